/** Walks STORAGE/upper (never following symlinks), parents before children, names sorted. */
import { isCharDevice, isDir, isFile, isSymlink, S_IFIFO, S_IFMT, S_IFSOCK } from '../engine/fileMode.ts'
import { isOpaqueValue, isWhiteoutStat, OPAQUE_XATTR } from '../engine/storageFormat.ts'
import type { FileStat, Sys } from '../engine/sys.ts'
import { joinRel } from './archiveFormat.ts'

export type StorageKind = 'dir' | 'file' | 'symlink' | 'fifo' | 'whiteout' | 'device' | 'socket'

export interface StorageEntry {
  /** Relative to upper/ ('' is upper/ itself). */
  path: string
  real: string
  kind: StorageKind
  stat: FileStat
  /** Every xattr, including trusted.overlay.* ones. */
  xattrs: Array<[string, Buffer]>
  /** Set instead of `xattrs` where only a comparison is needed (planRestore's digest). */
  xattrDigest?: string
  opaque: boolean
  /** Symlink target. */
  target?: string
}

export function kindOf(stat: FileStat): StorageKind {
  if (isDir(stat.mode)) return 'dir'
  if (isFile(stat.mode)) return 'file'
  if (isSymlink(stat.mode)) return 'symlink'
  if (isWhiteoutStat(stat)) return 'whiteout'
  if ((stat.mode & S_IFMT) === S_IFIFO) return 'fifo'
  if ((stat.mode & S_IFMT) === S_IFSOCK) return 'socket'
  if (isCharDevice(stat.mode)) return 'device'
  return 'device'
}

export function readXattrs(sys: Sys, real: string): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = []
  for (const name of sys.listXattr(real).sort()) {
    const value = sys.getXattr(real, name)
    if (value !== undefined) out.push([name, value])
  }
  return out
}

export function readEntry(sys: Sys, upper: string, path: string): StorageEntry | undefined {
  const real = path === '' ? upper : `${upper}/${path}`
  const stat = sys.lstat(real)
  if (stat === undefined) return undefined
  const kind = kindOf(stat)
  const xattrs = kind === 'whiteout' ? [] : readXattrs(sys, real)
  const opaque = kind === 'dir' && isOpaqueValue(xattrs.find(([n]) => n === OPAQUE_XATTR)?.[1])
  const entry: StorageEntry = { path, real, kind, stat, xattrs, opaque }
  if (kind === 'symlink') entry.target = sys.readlink(real)
  return entry
}

/** Depth-first, parents first; `descend` may stop the walk below a directory. */
export function* walkStorage(
  sys: Sys,
  upper: string,
  start = '',
  descend: (dir: StorageEntry) => boolean = () => true,
): Generator<StorageEntry> {
  const root = readEntry(sys, upper, start)
  if (root === undefined) return
  yield root
  if (root.kind !== 'dir' || !descend(root)) return
  const stack: string[] = [start]
  while (stack.length > 0) {
    const dir = stack.pop() as string
    const names = sys.readdir(dir === '' ? upper : `${upper}/${dir}`).sort()
    const subdirs: string[] = []
    for (const name of names) {
      const entry = readEntry(sys, upper, joinRel(dir, name))
      if (entry === undefined) continue
      yield entry
      if (entry.kind === 'dir' && descend(entry)) subdirs.push(entry.path)
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i] as string)
  }
}
