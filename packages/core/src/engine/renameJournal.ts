/**
 * A rename that needs two steps in storage (put the moved entry in place, then hide the old name
 * from the base) is journalled, so a crash between them cannot leave both names visible: the
 * next mount finishes the second step. A rename that is one rename(2) needs no journal.
 */
import type { OverlayContext } from './context.ts'
import { readFileText, removeFile, writeFileAtomic } from './smallFile.ts'

const JOURNAL = 'rename.journal'

interface RenameRecord {
  from: string
  to: string
  /** Storage inode of the entry being moved: it is at `to` exactly when the move happened. */
  ino: number
  /** Inode of upper/ itself: a reset or restore swaps in another one, and the record is void. */
  upper: number
}

const journalPath = (ctx: OverlayContext): string => `${ctx.paths.staging}/${JOURNAL}`

/** Writes the journal durably before the first step. */
export function beginRename(ctx: OverlayContext, from: string, to: string, moving: string): void {
  const ino = ctx.sys.lstat(moving)?.ino ?? -1
  const upper = ctx.sys.lstat(ctx.paths.upper)?.ino ?? -1
  writeFileAtomic(ctx.sys, ctx.paths.staging, JOURNAL, JSON.stringify({ from, to, ino, upper } satisfies RenameRecord))
}

export function endRename(ctx: OverlayContext): void {
  removeFile(ctx.sys, journalPath(ctx))
}

export type { RenameRecord }

/** The rename a crash interrupted, if any (read at mount). */
export function pendingRename(ctx: OverlayContext): RenameRecord | undefined {
  const text = readFileText(ctx.sys, journalPath(ctx))
  if (text === undefined) return undefined
  try {
    const { from, to, ino, upper } = JSON.parse(text) as Partial<RenameRecord>
    const current = ctx.sys.lstat(ctx.paths.upper)?.ino
    const valid = typeof from === 'string' && typeof to === 'string' && typeof ino === 'number'
    if (valid && upper !== undefined && upper === current) return { from, to, ino, upper }
  } catch {
    // A torn journal means the rename never started: nothing to finish.
  }
  endRename(ctx)
  return undefined
}
