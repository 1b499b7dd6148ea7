/** Copying and removing storage trees exactly (xattrs, whiteouts and opacity included), through Sys. */
import { isDir, isFile, isSymlink } from '../engine/fileMode.ts'
import { isPrivateXattr, isWhiteoutStat, type StoragePaths } from '../engine/storageFormat.ts'
import { removeTree } from '../engine/staging.ts'
import type { FileStat, Sys } from '../engine/sys.ts'

const O_RDONLY = 0

/** Copies one storage entry (a whole subtree for a directory) to `dest`, every xattr included. */
export function copyStorageTree(sys: Sys, src: string, dest: string): void {
  const stat = sys.lstat(src)
  if (stat === undefined) return
  if (isWhiteoutStat(stat)) {
    sys.link(src, dest)
    return
  }
  if (isDir(stat.mode)) {
    sys.mkdir(dest, 0o700)
    for (const name of sys.readdir(src)) copyStorageTree(sys, `${src}/${name}`, `${dest}/${name}`)
  } else if (isFile(stat.mode)) {
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
