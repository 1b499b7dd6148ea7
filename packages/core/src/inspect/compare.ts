/**
 * Comparing a storage entry with the base entry it covers: content (bytes, link target, device
 * number) and metadata (mode, owner, mtime, user-visible xattrs). Reads through Sys only.
 */
import { isDir, isFile, isSymlink, S_IFMT } from '../engine/fileMode.ts'
import { isPrivateXattr } from '../engine/storageFormat.ts'
import type { FileStat, Sys } from '../engine/sys.ts'

const CHUNK = 1 << 16

export type MetadataField = 'mode' | 'uid' | 'gid' | 'mtime' | 'xattrs'

export interface FieldChange {
  field: MetadataField
  base: string | number
  current: string | number
}

export const sameType = (a: FileStat, b: FileStat): boolean =>
  (a.mode & S_IFMT) === (b.mode & S_IFMT)

/** Do two entries of the same type hold the same content? */
export function sameContent(
  sys: Sys,
  aReal: string,
  a: FileStat,
  bReal: string,
  b: FileStat,
): boolean {
  if (isFile(a.mode)) return a.size === b.size && sameBytes(sys, aReal, bReal, a.size)
  if (isSymlink(a.mode)) return sys.readlink(aReal) === sys.readlink(bReal)
  if (isDir(a.mode)) return true
  return a.rdev === b.rdev
}

function sameBytes(sys: Sys, aPath: string, bPath: string, size: number): boolean {
  if (size === 0) return true
  const fa = sys.open(aPath, 0)
  try {
    const fb = sys.open(bPath, 0)
    try {
      const ba = Buffer.allocUnsafe(CHUNK)
      const bb = Buffer.allocUnsafe(CHUNK)
      for (let pos = 0; pos < size;) {
        const na = sys.read(fa, ba, 0, CHUNK, pos)
        const nb = sys.read(fb, bb, 0, CHUNK, pos)
        if (na !== nb) return false
        if (na === 0) return true
        if (!ba.subarray(0, na).equals(bb.subarray(0, nb))) return false
        pos += na
      }
      return true
    } finally {
      sys.close(fb)
    }
  } finally {
    sys.close(fa)
  }
}

/** The user-visible xattrs of an entry, as name → hex value, sorted by name. */
export function visibleXattrs(sys: Sys, real: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const name of sys
    .listXattr(real)
    .filter((n) => !isPrivateXattr(n))
    .sort()) {
    out.set(name, sys.getXattr(real, name)?.toString('hex') ?? '')
  }
  return out
}

const describeXattrs = (m: Map<string, string>): string => [...m.keys()].join(',')

/**
 * Metadata fields that differ. atime and ctime are never compared (reads and copy-up move them);
 * `withTimes` false skips mtime too (a directory's mtime moves whenever an entry in it changes).
 */
export function metadataChanges(
  sys: Sys,
  current: { real: string; stat: FileStat },
  base: { real: string; stat: FileStat },
  withTimes = true,
): FieldChange[] {
  const out: FieldChange[] = []
  const a = base.stat
  const b = current.stat
  if (!isSymlink(b.mode) && (a.mode & 0o7777) !== (b.mode & 0o7777)) {
    out.push({ field: 'mode', base: octal(a.mode), current: octal(b.mode) })
  }
  if (a.uid !== b.uid) out.push({ field: 'uid', base: a.uid, current: b.uid })
  if (a.gid !== b.gid) out.push({ field: 'gid', base: a.gid, current: b.gid })
  if (withTimes && Math.abs(a.mtimeMs - b.mtimeMs) >= 1) {
    out.push({ field: 'mtime', base: isoTime(a.mtimeMs), current: isoTime(b.mtimeMs) })
  }
  const xa = visibleXattrs(sys, base.real)
  const xb = visibleXattrs(sys, current.real)
  if (!sameMap(xa, xb))
    out.push({ field: 'xattrs', base: describeXattrs(xa), current: describeXattrs(xb) })
  return out
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false
  for (const [k, v] of a) if (b.get(k) !== v) return false
  return true
}

export const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0')
export const isoTime = (ms: number): string => new Date(ms).toISOString()

/** Reads a whole file through Sys (callers bound the size). */
export function readWhole(sys: Sys, real: string, size: number): Buffer {
  const buf = Buffer.alloc(size)
  const fd = sys.open(real, 0)
  try {
    let pos = 0
    while (pos < size) {
      const n = sys.read(fd, buf, pos, size - pos, pos)
      if (n === 0) break
      pos += n
    }
    return pos === size ? buf : buf.subarray(0, pos)
  } finally {
    sys.close(fd)
  }
}
