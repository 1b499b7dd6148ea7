/**
 * `layerdeck mount` as a separate process the agent starts (serve --base --mount) and stops on
 * its own clean exit. Its own session (setsid), and its output goes to a file rather than a
 * pipe: after a kill -9 of the agent nothing is left to read a pipe, and a daemon writing into a
 * broken pipe could die with EPIPE, taking the root filesystem with it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'

export interface MountChildOptions {
  command: string[]
  base: string
  storage: string
  mountpoint: string
  logFile: string
}

export interface MountChild {
  child: ChildProcess
  exited: Promise<number | null>
  /** SIGTERM, then SIGKILL after `graceMs`; resolves at exit. */
  stop(graceMs?: number): Promise<void>
  logTail(): string
}

/** The command that runs this very CLI again: node, its flags (tsx, conditions), the script. */
export function ownCommand(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1] ?? 'layerdeck']
}

export function startMountChild(o: MountChildOptions): MountChild {
  const [cmd, ...args] = o.command
  const out = openSync(o.logFile, 'a', 0o600)
  let child: ChildProcess
  try {
    child = spawn(cmd as string, [...args, 'mount', '--base', o.base, '--storage', o.storage, o.mountpoint], {
      stdio: ['ignore', out, out],
      detached: true,
    })
  } finally {
    closeSync(out)
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.once('error', () => resolve(null))
  })
  return {
    child,
    exited,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
    logTail: () => {
      try {
        return readFileSync(o.logFile, 'utf8').split('\n').slice(-12).join('\n')
      } catch {
        return ''
      }
    },
  }
}
