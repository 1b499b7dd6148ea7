/** `layerdeck serve`: the HTTP agent (API + dashboard) for one storage, in the foreground. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { setPriority } from 'node:os'
import type { Command } from 'commander'
import { VERSION } from '../version.ts'

interface ServeFlags {
  storage: string
  base?: string
  mount?: string
  port: string
  host?: string
  data?: string
  tlsCert?: string
  tlsKey?: string
  sessionIdle: string
  maxUpload: string
  nice: string
  idle?: boolean
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the dashboard and the HTTP API for STORAGE (attaches to the daemon serving it, or starts one with --base and --mount)')
    .requiredOption('--storage <dir>', 'the storage directory (holds upper/ and work/)')
    .option('--base <dir>', 'the read-only base: with --mount, start `layerdeck mount` when no daemon serves the storage')
    .option('--mount <dir>', 'the mount point for that daemon (an empty directory)')
    .option('--port <n>', 'TCP port', '8080')
    .option('--host <addr>', 'address to listen on (default: all interfaces)')
    .option('--data <dir>', "the agent's own data: accounts, sessions, audit log (default STORAGE/layerdeck)")
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'and this private key (PEM)')
    .option('--session-idle <minutes>', 'sign a browser out after this long without a request', '30')
    .option('--max-upload <size>', 'largest backup a restore accepts (e.g. 512M, 2G)', '1G')
    .option('--nice <n>', 'scheduling priority of the agent (0-19): it yields the CPU to the mount daemon and the device', '10')
    .option('--idle', 'run the agent only on CPU time nothing else wants (SCHED_IDLE, via chrt): the filesystem never waits for it, but a busy device can starve the dashboard')
    .addHelpText(
      'after',
      '\nThe agent is its own process: it never serves FUSE. It reads base and storage directly and sends\n' +
        'every change to the daemon over the control socket. A daemon it started stops with it; one it\n' +
        'attached to keeps running. Stops cleanly on SIGINT/SIGTERM.\n' +
        'Example: layerdeck serve --storage /overlay --port 80\n' +
        '         layerdeck serve --storage /data/st --base /rom --mount /mnt/merged',
    )
    .action(async (flags: ServeFlags) => {
      await runServe(flags)
    })
}

async function runServe(flags: ServeFlags): Promise<void> {
  if ((flags.base === undefined) !== (flags.mount === undefined)) throw new Error('give --base and --mount together (to start the daemon), or neither (to attach to a running one)')
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) throw new Error('give --tls-cert and --tls-key together')
  const port = Number(flags.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${flags.port}`)
  const tls = flags.tlsCert === undefined ? undefined : { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey as string) }
  // Loaded here, not at the top: every other command starts without Express, pino and argon2.
  const [{ createAgent }, { defaultDataDir }, { default: pino }] = await Promise.all([
    import('../server/createAgent.ts'),
    import('../server/data/dataDir.ts'),
    import('pino'),
  ])
  const log = pino({ base: null, level: process.env.LAYERDECK_LOG ?? 'info' })
  const agent = createAgent({
    storage: flags.storage,
    data: flags.data ?? defaultDataDir(flags.storage),
    base: flags.base,
    mount: flags.mount,
    version: VERSION,
    tls: tls !== undefined,
    sessionIdleMs: minutes(flags.sessionIdle) * 60_000,
    maxUploadBytes: parseSize(flags.maxUpload),
    log,
  })
  // Signal handlers first: a SIGTERM that comes as soon as the "serving" line is read must stop the agent cleanly.
  let started: Promise<unknown> = Promise.resolve()
  const stopped = onStopSignal(() => started.catch(() => undefined).then(() => agent.stop()))
  // After start: a mount daemon the agent starts keeps the normal priority.
  const listening = agent.start().then(() => {
    lowerPriority(flags.nice, flags.idle === true)
    return agent.listen(port, flags.host, tls)
  })
  started = listening
  const server = await listening
  const address = server.address()
  const shown = typeof address === 'object' && address !== null ? address.port : port
  process.stdout.write(`layerdeck: serving ${agent.ctx.paths.root} on ${tls ? 'https' : 'http'}://${flags.host ?? '0.0.0.0'}:${shown}/ (${agent.ctx.link.state.mode === 'daemon' ? 'live' : agent.ctx.link.state.mode})\n`)
  await stopped
  process.stdout.write('layerdeck: agent stopped\n')
}

/** Resolves once SIGINT or SIGTERM came and `stop` finished (its failure is printed, exit code 1). */
function onStopSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const handler = (): void => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
      stop().then(resolve, (err: unknown) => {
        process.stderr.write(`layerdeck: ${err instanceof Error ? err.message : String(err)}\n`)
        process.exitCode = 1
        resolve()
      })
    }
    process.on('SIGINT', handler)
    process.on('SIGTERM', handler)
  })
}

function lowerPriority(text: string, idle: boolean): void {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new Error(`--nice must be a whole number from 0 to 19, not ${text}`)
  setPriority(n)
  if (!idle) return
  try {
    execFileSync('chrt', ['--all-tasks', '--idle', '--pid', '0', String(process.pid)], { stdio: 'ignore' })
  } catch {
    process.stderr.write('layerdeck: warning: --idle needs chrt (util-linux); the agent runs at --nice only\n')
  }
}

function minutes(text: string): number {
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--session-idle must be a number of minutes, not ${text}`)
  return n
}

export function parseSize(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)i?B?$/i.exec(text.trim())
  if (m === null) throw new Error(`give a size like 512M or 2G, not ${text}`)
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[(m[2] ?? '').toUpperCase() as '' | 'K' | 'M' | 'G' | 'T']
  return Math.floor(Number(m[1]) * unit)
}
