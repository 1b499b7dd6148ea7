/**
 * `npm run demo` (scripts/demo.sh runs this after setup and the builds): the demo device and its
 * agent on port 8080 on all interfaces, in the foreground; Ctrl-C stops and unmounts everything.
 */
import { networkInterfaces } from 'node:os'
import { startDemo } from './demo.ts'

const port = Number(process.env.LAYERDECK_DEMO_PORT ?? 8080)
const dir = process.env.LAYERDECK_DEMO_DIR ?? '/var/tmp/layerdeck-demo'

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => (a as { address: string }).address)
}

const demo = await startDemo({ dir, port })
let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  process.stdout.write('demo: stopping (the agent, the mount, the factory image)\n')
  demo.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
const urls = [`http://localhost:${port}/`, ...lanAddresses().map((a) => `http://${a}:${port}/`)]
process.stdout.write(`
demo: the device's files   ${demo.device}   (storage: ${demo.storage})
demo: the dashboard        ${urls.join('   ')}
demo: sign in as           ${demo.username}   password ${demo.password}
demo: try, in another terminal:
        echo '10.0.0.5 historian' >> ${demo.device}/etc/hosts     # appears live in the dashboard
        pnpm layerdeck status --storage ${demo.storage}
demo: Ctrl-C to stop (unmounts everything)
`)
