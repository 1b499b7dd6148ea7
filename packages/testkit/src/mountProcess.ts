/**
 * A real `layerdeck mount` in a child process, as a user would run it. `start()` resolves when
 * the CLI says it is mounted; `stop()` sends SIGTERM and waits for a clean exit.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { LAYERDECK_BIN } from './repo.ts'

export interface MountProcess {
  child: ChildProcess
  output(): string
  /** Sends SIGTERM, waits for exit; returns the exit code. Cleans a stuck mount. */
  stop(): Promise<number | null>
  /** SIGKILL (a crash): the mount is left dead and is cleaned with fusermount -uz. */
  kill(): Promise<void>
}

export interface MountSpec {
  base: string
  storage: string
  mountpoint: string
  extraArgs?: string[]
}

export function isMounted(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === path)
}

export function forceUnmount(path: string): void {
  if (!isMounted(path)) return
  try {
    execFileSync('fusermount', ['-uz', path], { stdio: 'ignore' })
  } catch {
    execFileSync('umount', ['-l', path], { stdio: 'ignore' })
  }
}

export function startMount(spec: MountSpec, timeoutMs = 20_000): Promise<MountProcess> {
  const args = ['mount', '--base', spec.base, '--storage', spec.storage, ...(spec.extraArgs ?? []), spec.mountpoint]
  const child = spawn(LAYERDECK_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const handle: MountProcess = {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      forceUnmount(spec.mountpoint)
      return code
    },
    kill: async () => {
      child.kill('SIGKILL')
      await exited
      forceUnmount(spec.mountpoint)
    },
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`mount did not come up in ${timeoutMs} ms:\n${out}`))
    }, timeoutMs)
    const onData = (): void => {
      if (/layerdeck: mounted /.test(out)) {
        clearTimeout(timer)
        resolve(handle)
      }
    }
    child.stdout.on('data', onData)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`mount exited with ${code} before mounting:\n${out}`))
    })
  })
}
