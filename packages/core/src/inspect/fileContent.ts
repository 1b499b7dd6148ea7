/**
 * A file's content as the dashboard shows it: the base (factory) version or the current one,
 * size-capped, with binary detection (NUL bytes or not UTF-8), its stat and sha256. Never
 * follows a symlink: a symlink answers its target as text.
 */
import { createHash } from 'node:crypto'
import { isFile, isSymlink, O_NOFOLLOW, O_RDONLY } from '../engine/fileMode.ts'
import { hasCode, OverlayError } from '../engine/OverlayError.ts'
import type { FileStat, Sys } from '../engine/sys.ts'
import { entryType, type EntryType } from './changes.ts'
import { requireRequestPath, type LayerEntry, type OverlayView } from './requestPath.ts'

const O_NOATIME = 0o1000000
const CHUNK = 1 << 20

export type FileSide = 'base' | 'current'

export interface FileContent {
  path: string
  side: FileSide
  type: EntryType
  size: number
  mode: number
  uid: number
  gid: number
  mtime: number
  sha256: string | null
  target: string | null
  binary: boolean
  content: string | null
  truncated: boolean
  limit: number
}

/** The content of `input` on one side; ENOENT when that side has nothing there. */
export function readFileContent(view: OverlayView, input: string, side: FileSide, limit: number): FileContent {
  const r = requireRequestPath(view, input)
  const at: LayerEntry | undefined =
    side === 'base' ? r.base : r.entry === undefined ? undefined : { real: r.entry.real, stat: r.entry.stat }
  if (at === undefined) {
    const why = side === 'base' ? 'the factory image has nothing at this path' : 'deleted: only the factory version exists (side=base)'
    throw new OverlayError('ENOENT', 'file', r.path, why)
  }
  return contentOf(view.sys, r.path, side, at, limit)
}

export function contentOf(sys: Sys, path: string, side: FileSide, at: LayerEntry, limit: number): FileContent {
  const { stat } = at
  const out: FileContent = {
    path,
    side,
    type: entryType(stat),
    size: isFile(stat.mode) || isSymlink(stat.mode) ? stat.size : 0,
    mode: stat.mode,
    uid: stat.uid,
    gid: stat.gid,
    mtime: stat.mtimeMs,
    sha256: null,
    target: isSymlink(stat.mode) ? sys.readlink(at.real) : null,
    binary: false,
    content: null,
    truncated: false,
    limit,
  }
  if (!isFile(stat.mode)) return out
  const fd = openNoFollow(sys, at.real)
  try {
    const { head, sha256 } = readAndHash(sys, fd, stat, limit)
    out.sha256 = sha256
    out.truncated = stat.size > head.length
    const text = asText(head, out.truncated)
    out.binary = text === undefined
    out.content = text ?? null
  } finally {
    sys.close(fd)
  }
  return out
}

/** Opens read-only without following a symlink, and without moving the atime where allowed. */
function openNoFollow(sys: Sys, real: string): number {
  try {
    return sys.open(real, O_RDONLY | O_NOFOLLOW | O_NOATIME)
  } catch (err) {
    if (!hasCode(err, 'EPERM')) throw err
    return sys.open(real, O_RDONLY | O_NOFOLLOW)
  }
}

function readAndHash(sys: Sys, fd: number, stat: FileStat, limit: number): { head: Buffer; sha256: string } {
  const hash = createHash('sha256')
  const head = Buffer.alloc(Math.min(limit, stat.size))
  let headLength = 0
  const buf = Buffer.allocUnsafe(CHUNK)
  for (let pos = 0; ; ) {
    const n = sys.read(fd, buf, 0, CHUNK, pos)
    if (n === 0) break
    const chunk = buf.subarray(0, n)
    hash.update(chunk)
    if (headLength < head.length) headLength += chunk.copy(head, headLength, 0, Math.min(n, head.length - headLength))
    pos += n
  }
  return { head: head.subarray(0, headLength), sha256: hash.digest('hex') }
}

const fatal = new TextDecoder('utf-8', { fatal: true })

/** UTF-8 text, or undefined for binary. A cut may split the last character: up to 3 bytes are dropped. */
function asText(data: Buffer, cut: boolean): string | undefined {
  if (data.includes(0)) return undefined
  for (let drop = 0; drop <= (cut ? 3 : 0) && drop <= data.length; drop++) {
    try {
      return fatal.decode(data.subarray(0, data.length - drop))
    } catch {
      // try without the last byte(s) of a character split by the cap
    }
  }
  return undefined
}
