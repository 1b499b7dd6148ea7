/**
 * Copy-up: the first change to a base entry copies it into storage. Data, mode, owner, xattrs
 * and timestamps are staged in work/, fsynced, and renamed into upper/ (parents first), so a
 * crash leaves the base version or the complete copy, never a partial file.
 */
import type { OverlayContext } from './context.ts'
import { isDir, isFile, isSymlink } from './fileMode.ts'
import type { Entry } from './layers.ts'
import { nameOf, parentOf, ROOT } from './mergedPath.ts'
import { OverlayError } from './OverlayError.ts'
import { isPrivateXattr, ORIGIN_XATTR } from './storageFormat.ts'
import type { FileStat, Sys } from './sys.ts'
import { atimeOf, mtimeOf } from './times.ts'
import { writeAll } from './smallFile.ts'

const CHUNK = 1 << 20
const ZERO = Buffer.alloc(CHUNK)
const O_WRONLY_CREAT_EXCL = 0o1 | 0o100 | 0o200
/** Reading the base must not even move its atime. */
const O_NOATIME = 0o1000000

/** Makes sure a merged directory exists in upper/; returns its real upper path. */
export function ensureUpperDir(ctx: OverlayContext, path: string): string {
  const info = ctx.layers.dir(path)
  if (info === undefined) throw new OverlayError('ENOENT', 'copyup', path)
  if (info.upper !== null) return info.upper
  const parentUpper = ensureUpperDir(ctx, parentOf(path))
  const entry = ctx.layers.resolve(path)
  if (entry === undefined) throw new OverlayError('ENOENT', 'copyup', path)
  const upper = `${parentUpper}/${nameOf(path)}`
  stageAndRename(ctx, entry, upper, false)
  ctx.layers.markUpper(path, upper)
  return upper
}

/**
 * Before changing an entry: copies it up (base), or gives it an inode of its own when a live
 * snapshot shares its inode (storage). Every change to data or metadata goes through here.
 */
export function forChange(ctx: OverlayContext, path: string, entry: Entry, withData = true): Entry {
  if (entry.layer === 'storage') return ctx.snapshots?.unshare(path, entry) ?? entry
  return copyUp(ctx, path, entry, withData)
}

/** Copies a base entry up (a no-op for storage entries); returns the storage entry. */
export function copyUp(ctx: OverlayContext, path: string, entry: Entry, withData = true): Entry {
  if (entry.layer === 'storage') return entry
  if (isDir(entry.stat.mode)) {
    const real = ensureUpperDir(ctx, path)
    return { ...entry, layer: 'storage', real, stat: ctx.sys.lstat(real) ?? entry.stat }
  }
  if (path === ROOT) throw new OverlayError('EINVAL', 'copyup', path)
  const parentUpper = ensureUpperDir(ctx, parentOf(path))
  if (withData && isFile(entry.stat.mode)) checkSpace(ctx, path, entry.stat.size)
  const upper = `${parentUpper}/${nameOf(path)}`
  stageAndRename(ctx, entry, upper, withData)
  ctx.onCopiedUp(path, upper)
  const stat = ctx.sys.lstat(upper)
  if (stat === undefined) throw new OverlayError('EIO', 'copyup', path, 'copy-up vanished')
  return { ...entry, layer: 'storage', real: upper, stat }
}

/** A copy-up that cannot fit fails at once instead of filling the storage first. */
function checkSpace(ctx: OverlayContext, path: string, size: number): void {
  if (size < CHUNK) return
  const fs = ctx.sys.statfs(ctx.paths.upper)
  if (fs.bavail * fs.bsize < size + CHUNK) {
    throw new OverlayError('ENOSPC', 'copyup', path, `no space left on device: copy-up needs ${size} bytes`)
  }
}

/**
 * Stages the copy and renames it into place. A copy-up changes nothing the user can see, so the
 * parent directory keeps its timestamps (the kernel does the same).
 */
function stageAndRename(ctx: OverlayContext, entry: Entry, upper: string, withData: boolean): void {
  const tmp = ctx.staging.next()
  const parent = upper.slice(0, upper.lastIndexOf('/'))
  const parentStat = ctx.sys.lstat(parent)
  try {
    stage(ctx, entry, tmp, withData)
    ctx.sys.rename(tmp, upper)
  } catch (err) {
    ctx.staging.discard(tmp)
    throw err
  }
  if (parentStat !== undefined) ctx.sys.utimens(parent, atimeOf(parentStat), mtimeOf(parentStat))
}

/**
 * Builds a copy of a base entry at `tmp` (data, owner, mode, xattrs, its origin, times; a file is
 * fsynced).
 */
export function stage(ctx: OverlayContext, entry: Entry, tmp: string, withData: boolean): void {
  const { sys } = ctx
  const { stat, real } = entry
  const origin = Buffer.from(`${stat.ino}:${real.slice(ctx.layers.baseRoot.length) || '/'}`)
  if (isFile(stat.mode)) {
    stageFile(sys, real, stat, tmp, withData, origin)
    return
  }
  if (isDir(stat.mode)) sys.mkdir(tmp, 0o700)
  else if (isSymlink(stat.mode)) sys.symlink(sys.readlink(real), tmp)
  else sys.mknod(tmp, stat.mode, stat.rdev)
  sys.lchown(tmp, stat.uid, stat.gid)
  if (!isSymlink(stat.mode)) sys.chmod(tmp, stat.mode & 0o7777)
  copyXattrs(sys, real, tmp)
  sys.setXattr(tmp, ORIGIN_XATTR, origin)
  sys.utimens(tmp, atimeOf(stat), mtimeOf(stat))
}

function stageFile(sys: Sys, src: string, stat: FileStat, tmp: string, withData: boolean, origin: Buffer): void {
  // Our own read loop rather than copy_file_range (copyFileSync): only it can open the base with
  // O_NOATIME, so even a read-write base keeps its atime. Measured: 153 ms against 122 ms for a
  // 64 MiB copy-up with its fsync.
  const fd = sys.open(tmp, O_WRONLY_CREAT_EXCL, 0o600)
  try {
    if (withData) copySparse(sys, src, fd, stat.size)
    sys.fchown(fd, stat.uid, stat.gid)
    sys.fchmod(fd, stat.mode & 0o7777)
    copyXattrs(sys, src, tmp)
    sys.setXattr(tmp, ORIGIN_XATTR, origin)
    sys.futimens(fd, atimeOf(stat), mtimeOf(stat))
    sys.fsync(fd)
  } finally {
    sys.close(fd)
  }
}

/** Copies data chunk by chunk, leaving all-zero chunks as holes (sparse files stay sparse). */
export function copySparse(sys: Sys, src: string, dest: number, size: number): void {
  const fd = sys.open(src, O_NOATIME)
  const buf = Buffer.allocUnsafe(CHUNK)
  try {
    for (let pos = 0; pos < size; ) {
      const n = sys.read(fd, buf, 0, CHUNK, pos)
      if (n === 0) break
      const chunk = n === CHUNK ? buf : buf.subarray(0, n)
      // All of it, or ENOSPC: a short copy must never be renamed into upper/ as the file.
      if (!chunk.equals(n === CHUNK ? ZERO : ZERO.subarray(0, n))) writeAll(sys, dest, chunk, 0, n, pos)
      pos += n
    }
    sys.ftruncate(dest, size)
  } finally {
    sys.close(fd)
  }
}

export function copyXattrs(sys: Sys, from: string, to: string): void {
  for (const name of sys.listXattr(from)) {
    if (isPrivateXattr(name)) continue
    const value = sys.getXattr(from, name)
    if (value !== undefined) sys.setXattr(to, name, value)
  }
}
