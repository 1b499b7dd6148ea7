/**
 * Runs COMMAND chrooted into the merged tree, in a private mount namespace where /proc, /sys and
 * /dev are bound: the binds vanish with the namespace, so nothing leaks even if this process
 * dies. The child keeps the same PID through unshare, sh and chroot (each execs the next), so the
 * signals forwarded to it reach COMMAND.
 */
import { spawn } from 'node:child_process'
import { constants } from 'node:os'

const IN_NAMESPACE = `
root=$1; mask=$2; shift 2
for d in proc sys dev; do
  if [ -d "$root/$d" ]; then
    mount -o rbind "/$d" "$root/$d" || { echo "layerdeck: cannot bind /$d into the overlay" >&2; exit 125; }
  else
    echo "layerdeck: the base has no /$d directory: it is not bound" >&2
  fi
done
umask "$mask"
exec chroot "$root" "$@"
`

/** Signals a terminal sends to its whole foreground process group (COMMAND gets them anyway). */
const TERMINAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT']
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2']

/** Resolves with COMMAND's exit status, 128+N when signal N ended it (as a shell reports it). */
export function runChrooted(root: string, command: string[], umask: string): Promise<number> {
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      IN_NAMESPACE,
      'sh',
      root,
      umask,
      ...command,
    ],
    {
      stdio: 'inherit',
    },
  )
  const interactive = process.stdin.isTTY
  const forward = (signal: NodeJS.Signals): void => {
    // From a terminal, Ctrl-C already reached COMMAND: sending it again could count as a second.
    if (interactive && TERMINAL_SIGNALS.includes(signal)) return
    child.kill(signal)
  }
  for (const signal of FORWARDED) process.on(signal, forward)
  return new Promise((resolve) => {
    const done = (status: number): void => {
      for (const signal of FORWARDED) process.off(signal, forward)
      resolve(status)
    }
    child.on('error', (err) => {
      process.stderr.write(`layerdeck: cannot start unshare: ${err.message}\n`)
      done(125)
    })
    child.on('exit', (code, signal) =>
      done(code ?? 128 + (signal === null ? 0 : constants.signals[signal])),
    )
  })
}

/** The process umask, read without changing it (mounting sets this process's umask to 0). */
export function currentUmask(status: string): string {
  return /^Umask:\s*([0-7]+)$/m.exec(status)?.[1] ?? '0022'
}
