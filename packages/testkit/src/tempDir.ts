import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A fresh directory under the system temp dir, removed by `cleanup()`. */
export function tempDir(prefix = 'layerdeck-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  const cleanup = (): void => {
    try {
      rmSync(path, { recursive: true, force: true })
    } catch {
      // Node's rm recurses on the stack: a tree thousands of levels deep needs rm(1).
      execFileSync('rm', ['-rf', '--one-file-system', path])
    }
  }
  return { path, cleanup }
}
