/**
 * Putting a staged upper/ in place, crash-safely, and cleaning up after a crash.
 *
 *   work/layerdeck/restore-ID/new/       the complete new upper/, synced to disk
 *   work/layerdeck/restore-ID/ready      written once new/ is complete
 *   work/layerdeck/restore-ID/previous/  the old upper/, moved aside by the first rename
 *
 * The swap is two renames (Node has no renameat2(RENAME_EXCHANGE)). A crash between them leaves
 * no upper/; the next restore or backup finishes the swap (ready exists) or moves the old upper
 * back (it does not), so the storage ends with the old state or the complete new one.
 */
import { execFile, execFileSync } from 'node:child_process'
import { hasCode } from '../engine/OverlayError.ts'
import { removeTree } from '../engine/staging.ts'
import { writeAll } from '../engine/smallFile.ts'
import type { StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { BackupError } from './BackupError.ts'
import { swapUpper } from '../undo/reset.ts'

export const RESTORE_PREFIX = 'restore-'
const LOCK_NAME = 'restore.lock'

export interface RestoreDir {
  dir: string
  next: string
  ready: string
  previous: string
}

export function restoreDir(paths: StoragePaths): RestoreDir {
  const dir = `${paths.staging}/${RESTORE_PREFIX}${process.pid}-${Date.now()}`
  return { dir, next: `${dir}/new`, ready: `${dir}/ready`, previous: `${dir}/previous` }
}

/** Flushes the storage's filesystem (syncfs via `sync -f`, or a full sync). */
export function syncStorage(path: string): void {
  try {
    execFileSync('sync', ['-f', path], { stdio: 'ignore' })
  } catch {
    execFileSync('sync', [], { stdio: 'ignore' })
  }
}

/**
 * Marks new/ complete, once its data is on disk: from here a crash finishes the restore. The
 * flushes run in a child process the caller awaits, so a daemon keeps serving meanwhile.
 */
export async function markReady(sys: Sys, r: RestoreDir): Promise<void> {
  await syncStorageAsync(r.dir)
  sys.close(sys.open(r.ready, 0o1 | 0o100 | 0o200, 0o600))
  await syncStorageAsync(r.dir)
}

async function syncStorageAsync(path: string): Promise<void> {
  const run = (args: string[]): Promise<boolean> =>
    new Promise((resolve) => execFile('sync', args, { timeout: 600_000 }, (err) => resolve(err === null)))
  if (!(await run(['-f', path]))) await run([])
}

/**
 * new/ → upper/ under the reset journal; the old upper/ becomes the undo state (`reset --undo`
 * brings it back). Returns the undo state's name. The leftovers go.
 */
export function swapIn(sys: Sys, paths: StoragePaths, r: RestoreDir): string | undefined {
  const undo = swapUpper(sys, paths, r.next)
  removeTree(sys, r.dir)
  return undo
}

/** Finishes or rolls back a restore interrupted by a crash; removes stale restore folders. */
export function recoverRestores(sys: Sys, paths: StoragePaths): string[] {
  if (sys.lstat(paths.staging) === undefined) return []
  const notes: string[] = []
  for (const name of sys.readdir(paths.staging)) {
    if (!name.startsWith(RESTORE_PREFIX)) continue
    const dir = `${paths.staging}/${name}`
    const r: RestoreDir = { dir, next: `${dir}/new`, ready: `${dir}/ready`, previous: `${dir}/previous` }
    if (sys.lstat(paths.upper) === undefined) {
      if (sys.lstat(r.ready) !== undefined && sys.lstat(r.next) !== undefined) {
        sys.rename(r.next, paths.upper)
        notes.push('finished a restore that was interrupted after its data was complete')
      } else if (sys.lstat(r.previous) !== undefined) {
        sys.rename(r.previous, paths.upper)
        notes.push('rolled back a restore that was interrupted')
      }
    }
    removeTree(sys, dir)
  }
  return notes
}

/** One restore at a time per storage: work/layerdeck/restore.lock holds the owner's pid. */
export function lockRestore(sys: Sys, paths: StoragePaths): () => void {
  const lock = `${paths.staging}/${LOCK_NAME}`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = sys.open(lock, 0o1 | 0o100 | 0o200, 0o600)
      const pid = Buffer.from(String(process.pid))
      writeAll(sys, fd, pid, 0, pid.length, 0)
      sys.close(fd)
      return () => sys.unlink(lock)
    } catch (err) {
      if (!hasCode(err, 'EEXIST')) throw err
      const owner = readPid(sys, lock)
      if (owner !== undefined && isAlive(owner)) {
        throw new BackupError('busy', `another restore (pid ${owner}) is running on this storage`)
      }
      sys.unlink(lock)
    }
  }
  throw new BackupError('busy', `cannot take ${lock}`)
}

function readPid(sys: Sys, path: string): number | undefined {
  try {
    const fd = sys.open(path, 0)
    const buf = Buffer.alloc(32)
    const n = sys.read(fd, buf, 0, 32, 0)
    sys.close(fd)
    const pid = Number(buf.subarray(0, n).toString())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return hasCode(err, 'EPERM')
  }
}
