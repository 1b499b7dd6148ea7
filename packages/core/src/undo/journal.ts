/**
 * The reset journal: reset and undo swap storage/upper with a prepared tree in two renames
 * (upper → aside, incoming → upper). The journal, written and fsynced before the first rename,
 * names both, so the next command or mount finishes or rolls back a swap a crash interrupted.
 */
import { OverlayError } from '../engine/OverlayError.ts'
import type { StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { syncDir } from './treeCopy.ts'

export const JOURNAL_NAME = 'reset.journal'
export const RESET_NEW = 'reset-new'
export const UNDO_PREFIX = 'reset-undo-'
export const PURGE_PREFIX = 'purge-'

export interface Swap {
  op: 'reset' | 'undo'
  /** Name in work/layerdeck/ that becomes the new upper/. */
  incoming: string
  /** Name in work/layerdeck/ the old upper/ moves to (the undo state). */
  aside: string
  time: number
}

const O_WRONLY_CREAT_TRUNC = 0o1 | 0o100 | 0o1000

export const journalPath = (paths: StoragePaths): string => `${paths.staging}/${JOURNAL_NAME}`

/** Writes a small file atomically (temp file, fsync, rename, fsync of the directory). */
export function writeFileAtomic(sys: Sys, dir: string, name: string, text: string): void {
  const tmp = `${dir}/.${name}.tmp`
  const fd = sys.open(tmp, O_WRONLY_CREAT_TRUNC, 0o600)
  try {
    const data = Buffer.from(text)
    let off = 0
    while (off < data.length) off += sys.write(fd, data, off, data.length - off, off)
    sys.fsync(fd)
  } finally {
    sys.close(fd)
  }
  sys.rename(tmp, `${dir}/${name}`)
  syncDir(sys, dir)
}

export function readFileText(sys: Sys, path: string): string | undefined {
  if (sys.lstat(path) === undefined) return undefined
  const fd = sys.open(path, 0)
  try {
    const size = sys.fstat(fd).size
    const buf = Buffer.alloc(size)
    let off = 0
    while (off < size) {
      const n = sys.read(fd, buf, off, size - off, off)
      if (n === 0) break
      off += n
    }
    return buf.subarray(0, off).toString('utf8')
  } finally {
    sys.close(fd)
  }
}

export function readJournal(sys: Sys, paths: StoragePaths): Swap | undefined {
  const text = readFileText(sys, journalPath(paths))
  if (text === undefined) return undefined
  try {
    const swap = JSON.parse(text) as Swap
    if (
      (swap.op === 'reset' || swap.op === 'undo') &&
      typeof swap.incoming === 'string' &&
      typeof swap.aside === 'string'
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
