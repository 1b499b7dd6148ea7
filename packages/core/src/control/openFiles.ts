/**
 * The open files a live revert, reset, undo or restore would strand: descriptors opened for
 * writing on files that the change replaces. Such a change refuses (EBUSY with the list) unless
 * forced; forced, those descriptors are stranded (their writes, fsync and close fail with EIO:
 * the writer learns at once, nothing it writes afterwards is silently lost). Read-only
 * descriptors go on reading the version they opened.
 */
import { readFileSync } from 'node:fs'
import type { Handle } from '../engine/handles.ts'
import { isWithin } from '../engine/mergedPath.ts'
import { O_ACCMODE } from '../engine/fileMode.ts'
import type { Overlay } from '../engine/Overlay.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import type { OpenFile } from './protocol.ts'

/** /proc/PID/comm of a live process. */
export function commandOf(pid: number): string | undefined {
  if (pid <= 0) return undefined
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return undefined
  }
}

const writes = (h: Handle): boolean => (h.flags & O_ACCMODE) !== 0

export function describe(h: Handle): OpenFile {
  const pid = h.opener?.pid ?? 0
  const command = commandOf(pid)
  const file: OpenFile = { path: h.path, pid, uid: h.opener?.uid ?? 0, write: writes(h) }
  if (command !== undefined) file.command = command
  return file
}

/** Write handles at or under `paths` and not at or under `keep`. */
export function strandedBy(overlay: Overlay, paths: string[], keep: string[] = []): Handle[] {
  return overlay.handles
    .all()
    .filter((h) => writes(h) && paths.some((p) => isWithin(h.path, p)) && !keep.some((k) => isWithin(h.path, k)))
}

/** Refuses with the list unless forced. */
export function refuseStranding(handles: Handle[], op: string, force: boolean | undefined, storage: string): void {
  if (handles.length === 0 || force === true) return
  const list = handles.map(describe)
  const shown = list
    .slice(0, 3)
    .map((f) => `${f.path} (${f.command ?? 'pid'} ${f.pid})`)
    .join(', ')
  const more = list.length > 3 ? ` and ${list.length - 3} more` : ''
  const err = new OverlayError(
    'EBUSY',
    op,
    storage,
    `open for writing: ${shown}${more}; what they write next would be lost: stop them, or repeat with --force (their writes then fail with EIO)`,
  )
  throw Object.assign(err, { openFiles: list })
}
