/**
 * A rename that needs two steps in storage (put the moved entry in place, then hide the old name
 * from the base) is journalled, so a crash between them cannot leave both names visible: the
 * next mount finishes the second step. A rename that is one rename(2) needs no journal.
 */
import type { OverlayContext } from './context.ts'
import { hasCode } from './OverlayError.ts'

const JOURNAL = 'rename.journal'
const O_WRONLY_CREAT_EXCL = 0o1 | 0o100 | 0o200

interface RenameRecord {
  from: string
  to: string
  /** Storage inode of the entry being moved: it is at `to` exactly when the move happened. */
  ino: number
  /** Inode of upper/ itself: a reset or restore swaps in another one, and the record is void. */
  upper: number
}

const journalPath = (ctx: OverlayContext): string => `${ctx.paths.staging}/${JOURNAL}`

/** Writes the journal durably (staged, fsynced, renamed into place). */
export function beginRename(ctx: OverlayContext, from: string, to: string, moving: string): void {
  const ino = ctx.sys.lstat(moving)?.ino ?? -1
  const upper = ctx.sys.lstat(ctx.paths.upper)?.ino ?? -1
  const tmp = ctx.staging.next()
  const data = Buffer.from(JSON.stringify({ from, to, ino, upper } satisfies RenameRecord))
  const fd = ctx.sys.open(tmp, O_WRONLY_CREAT_EXCL, 0o600)
  try {
    ctx.sys.write(fd, data, 0, data.length, 0)
    ctx.sys.fsync(fd)
  } finally {
    ctx.sys.close(fd)
  }
  ctx.sys.rename(tmp, journalPath(ctx))
}

export function endRename(ctx: OverlayContext): void {
  try {
    ctx.sys.unlink(journalPath(ctx))
  } catch (err) {
    if (!hasCode(err, 'ENOENT')) throw err
  }
}

/** The rename a crash interrupted, if any (read at mount). */
export type { RenameRecord }

export function pendingRename(ctx: OverlayContext): RenameRecord | undefined {
  const path = journalPath(ctx)
  if (ctx.sys.lstat(path) === undefined) return undefined
  const fd = ctx.sys.open(path, 0)
  try {
    const size = ctx.sys.fstat(fd).size
    const buf = Buffer.alloc(size)
    ctx.sys.read(fd, buf, 0, size, 0)
    const record = JSON.parse(buf.toString('utf8')) as Partial<RenameRecord>
    const { from, to, ino, upper } = record
    const current = ctx.sys.lstat(ctx.paths.upper)?.ino
    const valid = typeof from === 'string' && typeof to === 'string' && typeof ino === 'number'
    if (valid && upper !== undefined && upper === current) return { from, to, ino, upper }
  } catch {
    // A torn journal means the rename never started: nothing to finish.
  } finally {
    ctx.sys.close(fd)
  }
  endRename(ctx)
  return undefined
}
