/**
 * Shell probes run in child processes, never in the test process: a process that serves a FUSE
 * mount (or shares its event loop) must not touch the mount synchronously.
 */
import { execFile } from 'node:child_process'

export interface ShResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `bash -c script`; resolves with the exit code and output (never rejects on exit code). */
export function sh(script: string, options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ShResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', script],
      { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 << 20, env: options.env ?? process.env },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`sh failed to run (${err.message}): ${script}\n${stderr}`))
          return
        }
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr })
      },
    )
  })
}

/** Like sh, but rejects with the output when the script fails. */
export async function shOk(script: string, options: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await sh(script, options)
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${script}\n${r.stdout}${r.stderr}`)
  return r.stdout
}
