/** Output helpers shared by `backup` and `restore`: errors (text or JSON) and a TTY progress line. */
import { BackupError } from '@layerdeck/core'

export interface OutputFlags {
  json?: boolean
}

/** Prints a refusal or failure and sets exit code 1 (2 for a busy storage, so scripts can retry). */
export function fail(err: unknown, flags: OutputFlags): void {
  const message = err instanceof Error ? err.message : String(err)
  const problem = err instanceof BackupError ? err.problem : 'internal-error'
  if (flags.json === true) process.stdout.write(`${JSON.stringify({ error: { problem, message } })}\n`)
  process.stderr.write(`layerdeck: ${message}\n`)
  process.exitCode = problem === 'busy' ? 2 : 1
}

/** A `\r`-rewritten status line on stderr, only when stderr is a terminal, at most 10 times/s. */
export function progressLine(label: string): { update(text: string): void; done(): void } {
  const tty = process.stderr.isTTY
  let last = 0
  let shown = false
  return {
    update(text: string): void {
      if (!tty) return
      const now = Date.now()
      if (now - last < 100) return
      last = now
      shown = true
      process.stderr.write(`\r\x1b[K${label}: ${text}`)
    },
    done(): void {
      if (shown) process.stderr.write('\r\x1b[K')
    },
  }
}
