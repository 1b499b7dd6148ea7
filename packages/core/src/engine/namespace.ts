/** Creating and removing names: unlink, rmdir, mkdir, symlink, mknod, link. */
import type { OverlayContext } from './context.ts'
import { copyUp, ensureUpperDir } from './copyUp.ts'
import { isDir } from './fileMode.ts'
import type { Entry } from './layers.ts'
import { isMergedEmpty } from './mergedDir.ts'
import { nameOf, parentOf, ROOT } from './mergedPath.ts'
import { hasCode, OverlayError } from './OverlayError.ts'
import { removeTree } from './staging.ts'
import { OPAQUE_XATTR } from './storageFormat.ts'
import { placeWhiteout } from './whiteout.ts'
import { guardName, releaseGuard } from './whiteoutGuard.ts'

/** Does the base hold something at this path, under the entry (visible or covered)? */
export function baseHas(ctx: OverlayContext, path: string, entry?: Entry): boolean {
  if (entry?.layer === 'base') return true
  const parent = ctx.layers.dir(parentOf(path))
  return parent?.base != null && ctx.sys.lstat(`${parent.base}/${nameOf(path)}`) !== undefined
}

export function unlink(ctx: OverlayContext, path: string): void {
  const entry = ctx.layers.require(path, 'unlink')
  if (isDir(entry.stat.mode)) throw new OverlayError('EISDIR', 'unlink', path)
  removeEntry(ctx, path, entry)
}

export function rmdir(ctx: OverlayContext, path: string): void {
  if (path === ROOT) throw new OverlayError('EBUSY', 'rmdir', path)
  const entry = ctx.layers.require(path, 'rmdir')
  if (!isDir(entry.stat.mode)) throw new OverlayError('ENOTDIR', 'rmdir', path)
  const info = ctx.layers.dir(path)
  if (info === undefined || !isMergedEmpty(ctx, info)) throw new OverlayError('ENOTEMPTY', 'rmdir', path)
  removeEntry(ctx, path, entry)
  ctx.layers.invalidate(path)
}

/** Removes a name from the merged view: drop the storage copy, whiteout what the base holds. */
export function removeEntry(ctx: OverlayContext, path: string, entry: Entry): void {
  const needsWhiteout = baseHas(ctx, path, entry)
  if (entry.layer === 'base') {
    // The lookup found nothing in storage at this name (not even a whiteout): link in place.
    const parentUpper = ensureUpperDir(ctx, parentOf(path))
    placeWhiteout(ctx.sys, ctx.paths, ctx.staging, `${parentUpper}/${nameOf(path)}`, true)
    return
  }
  if (isDir(entry.stat.mode)) {
    // Move the directory (only whiteouts are left in it) out of sight in one rename first; a
    // guard keeps the base hidden should a crash come before the whiteout.
    const guard = needsWhiteout ? guardName(ctx, entry.real) : undefined
    const aside = ctx.staging.next()
    ctx.sys.rename(entry.real, aside)
    if (needsWhiteout) placeWhiteout(ctx.sys, ctx.paths, ctx.staging, entry.real, true)
    if (guard !== undefined) releaseGuard(ctx, guard)
    removeTree(ctx.sys, aside)
    return
  }
  if (needsWhiteout) placeWhiteout(ctx.sys, ctx.paths, ctx.staging, entry.real)
  else ctx.sys.unlink(entry.real)
}

/**
 * Creates a new storage entry at `path` with `make(realPath)`. Where a whiteout holds the name,
 * the entry is built in work/ and renamed over it; a directory made there becomes opaque.
 */
export function createEntry(
  ctx: OverlayContext,
  path: string,
  syscall: string,
  make: (real: string) => void,
  ownByCaller = true,
): string {
  if (ctx.layers.resolve(path) !== undefined) throw new OverlayError('EEXIST', syscall, path)
  const parentUpper = ensureUpperDir(ctx, parentOf(path))
  const target = `${parentUpper}/${nameOf(path)}`
  try {
    make(target)
    if (ownByCaller) giveToCaller(ctx, target, parentUpper)
    return target
  } catch (err) {
    if (!hasCode(err, 'EEXIST')) throw err
  }
  // The name is held by a whiteout (the merged view said it does not exist).
  const tmp = ctx.staging.next()
  try {
    make(tmp)
    if (ownByCaller) giveToCaller(ctx, tmp, parentUpper)
    const stat = ctx.sys.lstat(tmp)
    if (stat !== undefined && isDir(stat.mode)) {
      // A directory cannot be renamed over the whiteout: take it away first, under a guard.
      ctx.sys.setXattr(tmp, OPAQUE_XATTR, Buffer.from('y'))
      const guard = guardName(ctx, target)
      ctx.sys.unlink(target)
      ctx.sys.rename(tmp, target)
      releaseGuard(ctx, guard)
    } else ctx.sys.rename(tmp, target)
  } catch (err) {
    ctx.staging.discard(tmp)
    throw err
  }
  ctx.layers.invalidate(path)
  return target
}

/**
 * The daemon runs as root, so a new entry is root's until it is given to the user who asked
 * for it. In a set-group-ID directory the group comes from the directory, as on any filesystem.
 */
function giveToCaller(ctx: OverlayContext, real: string, parentUpper: string): void {
  const caller = ctx.caller?.()
  if (caller === undefined || (caller.uid === 0 && caller.gid === 0)) return
  const parent = ctx.sys.lstat(parentUpper)
  const gid = parent !== undefined && (parent.mode & 0o2000) !== 0 ? -1 : caller.gid
  ctx.sys.lchown(real, caller.uid, gid)
}

export function mkdir(ctx: OverlayContext, path: string, mode: number): void {
  createEntry(ctx, path, 'mkdir', (real) => ctx.sys.mkdir(real, mode & 0o7777))
}

export function symlink(ctx: OverlayContext, target: string, path: string): void {
  createEntry(ctx, path, 'symlink', (real) => ctx.sys.symlink(target, real))
}

export function mknod(ctx: OverlayContext, path: string, mode: number, rdev: number): void {
  createEntry(ctx, path, 'mknod', (real) => ctx.sys.mknod(real, mode, rdev))
}

export function link(ctx: OverlayContext, from: string, to: string): void {
  const entry = ctx.layers.require(from, 'link')
  if (isDir(entry.stat.mode)) throw new OverlayError('EPERM', 'link', from)
  const source = copyUp(ctx, from, entry)
  // A new name of an existing file: its owner stays (a chown here would give the file itself away).
  createEntry(ctx, to, 'link', (real) => ctx.sys.link(source.real, real), false)
}
