/**
 * Runs a system tool (mount, umount, fusermount) asynchronously. The process that serves a FUSE
 * mount must never block its event loop on a call that may touch the mount, so every tool runs
 * in a child process, bounded by a timeout.
 */
import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

export interface ToolResult {
  code: number
  output: string
}

export function runTool(file: string, args: string[], timeoutMs = 15_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim()
      if (err === null) resolve({ code: 0, output })
      else
        resolve({
          code: typeof err.code === 'number' ? err.code : 1,
          output: output || err.message,
        })
    })
  })
}

/** Like runTool, but rejects with the tool's own words when it fails. */
export async function runToolOk(file: string, args: string[], timeoutMs?: number): Promise<void> {
  const r = await runTool(file, args, timeoutMs)
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${r.output}`)
}

/** Whether an executable of that name is on PATH (checked before anything is mounted). */
export function onPath(name: string): boolean {
  const dirs = (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}
