/**
 * The reset journal: reset and undo swap storage/upper with a prepared tree in two renames
 * (upper → aside, incoming → upper). The journal, written and fsynced before the first rename,
 * names both, so the next command or mount finishes or rolls back a swap a crash interrupted.
 */
import { OverlayError } from '../engine/OverlayError.ts'
import type { StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { readFileText, syncDir, writeFileAtomic } from '../engine/smallFile.ts'

export const JOURNAL_NAME = 'reset.journal'
export const RESET_NEW = 'reset-new'
export const UNDO_PREFIX = 'reset-undo-'
export const PURGE_PREFIX = 'purge-'

export interface Swap {
  op: 'reset' | 'undo' | 'restore'
  /** Name in work/layerdeck/ that becomes the new upper/. */
  incoming: string
  /** Name in work/layerdeck/ the old upper/ moves to (the undo state). */
  aside: string
  time: number
  /**
   * Kept paths moved from upper/ into incoming before the swap (same inodes: a process writing
   * a kept file keeps writing into it). A swap rolled back moves them back first.
   */
  keep?: string[]
}

/** The paths a reset kept, recorded for its undo state: an undo carries them over again. */
export const KEEP_RECORD = 'reset-keep.json'

export interface KeepRecord {
  /** The undo state this record belongs to. */
  state: string
  keep: string[]
}

export function readKeepRecord(sys: Sys, paths: StoragePaths, state: string): string[] {
  const text = readFileText(sys, `${paths.staging}/${KEEP_RECORD}`)
  if (text === undefined) return []
  try {
    const r = JSON.parse(text) as KeepRecord
    return r.state === state && Array.isArray(r.keep) ? r.keep.filter((k) => typeof k === 'string') : []
  } catch {
    return []
  }
}

export function writeKeepRecord(sys: Sys, paths: StoragePaths, record: KeepRecord): void {
  writeFileAtomic(sys, paths.staging, KEEP_RECORD, JSON.stringify(record))
}

export const journalPath = (paths: StoragePaths): string => `${paths.staging}/${JOURNAL_NAME}`

export function readJournal(sys: Sys, paths: StoragePaths): Swap | undefined {
  const text = readFileText(sys, journalPath(paths))
  if (text === undefined) return undefined
  try {
    const swap = JSON.parse(text) as Swap
    if (
      (swap.op === 'reset' || swap.op === 'undo' || swap.op === 'restore') &&
      typeof swap.incoming === 'string' &&
      typeof swap.aside === 'string' &&
      (swap.keep === undefined || (Array.isArray(swap.keep) && swap.keep.every((k) => typeof k === 'string' && !k.split('/').includes('..'))))
    )
      return swap
  } catch {
    // fall through
  }
  throw new OverlayError(
    'EIO',
    'reset',
    journalPath(paths),
    'the reset journal is damaged: inspect it by hand',
  )
}

export function writeJournal(sys: Sys, paths: StoragePaths, swap: Swap): void {
  writeFileAtomic(sys, paths.staging, JOURNAL_NAME, JSON.stringify(swap))
}

export function removeJournal(sys: Sys, paths: StoragePaths): void {
  sys.unlink(journalPath(paths))
  syncDir(sys, paths.staging)
}
