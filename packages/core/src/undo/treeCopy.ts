/** Copying and removing storage trees exactly (xattrs, whiteouts and opacity included), through Sys. */
import { isDir, isFile, isSymlink } from '../engine/fileMode.ts'
import { isPrivateXattr, isWhiteoutStat, type StoragePaths } from '../engine/storageFormat.ts'
import { removeTree } from '../engine/staging.ts'
import type { FileStat, Sys } from '../engine/sys.ts'

const O_RDONLY = 0

interface CopyFrame {
  src: string
  dest: string
  stat: FileStat
  names: string[]
  next: number
}

/**
 * Copies one storage entry (a whole subtree for a directory) to `dest`, every xattr included.
 * Iterative: a directory's metadata is set once its entries are in (they move its mtime).
 */
export function copyStorageTree(sys: Sys, src: string, dest: string): void {
  const stat = sys.lstat(src)
  if (stat === undefined) return
  if (!isDir(stat.mode)) return copyEntry(sys, src, stat, dest)
  sys.mkdir(dest, 0o700)
  const stack: CopyFrame[] = [{ src, dest, stat, names: sys.readdir(src), next: 0 }]
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    const name = top.names[top.next++]
    if (name === undefined) {
      copyMeta(sys, top.src, top.stat, top.dest, true)
      stack.pop()
      continue
    }
    const from = `${top.src}/${name}`
    const to = `${top.dest}/${name}`
    const st = sys.lstat(from)
    if (st === undefined) continue
    if (isDir(st.mode)) {
      sys.mkdir(to, 0o700)
      stack.push({ src: from, dest: to, stat: st, names: sys.readdir(from), next: 0 })
    } else copyEntry(sys, from, st, to)
  }
}

/** Copies one entry that is not a directory. */
function copyEntry(sys: Sys, src: string, stat: FileStat, dest: string): void {
  if (isWhiteoutStat(stat)) {
    sys.link(src, dest)
    return
  }
  if (isFile(stat.mode)) {
    sys.copyFile(src, dest)
    syncFile(sys, dest)
  } else if (isSymlink(stat.mode)) {
    sys.symlink(sys.readlink(src), dest)
  } else {
    sys.mknod(dest, stat.mode, stat.rdev)
  }
  copyMeta(sys, src, stat, dest, true)
}

/** Gives `dest` the owner, mode, xattrs and times of `src` (private overlay xattrs optional). */
export function copyMeta(
  sys: Sys,
  src: string,
  stat: FileStat,
  dest: string,
  withPrivate: boolean,
): void {
  sys.lchown(dest, stat.uid, stat.gid)
  if (!isSymlink(stat.mode)) sys.chmod(dest, stat.mode & 0o7777)
  for (const name of sys.listXattr(src)) {
    if (!withPrivate && isPrivateXattr(name)) continue
    const value = sys.getXattr(src, name)
    if (value !== undefined) sys.setXattr(dest, name, value)
  }
  sys.lutimes(dest, stat.atimeMs, stat.mtimeMs)
}

export function syncFile(sys: Sys, path: string): void {
  const fd = sys.open(path, O_RDONLY)
  try {
    sys.fsync(fd)
  } finally {
    sys.close(fd)
  }
}

let asideCounter = 0

/** Moves a tree out of sight in one rename (into work/layerdeck/purge-*), then deletes it. */
export function removeAside(sys: Sys, paths: StoragePaths, real: string, tag: string): void {
  const aside = `${paths.staging}/purge-${tag}-${process.pid}-${Date.now()}-${(asideCounter += 1)}`
  sys.rename(real, aside)
  removeTree(sys, aside)
}
