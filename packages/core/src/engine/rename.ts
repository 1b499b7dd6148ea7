/**
 * rename(2) inside the overlay, never EXDEV. A file is copied up and renamed in storage. A
 * directory that lives only in storage is renamed there; a directory with base content is copied
 * as a whole (merged) subtree into an opaque directory, which the kernel shows the same way.
 */
import type { OverlayContext } from './context.ts'
import { copyUp, copyXattrs, ensureUpperDir, stage } from './copyUp.ts'
import { isDir } from './fileMode.ts'
import type { Entry } from './layers.ts'
import { isMergedEmpty, mergedNames } from './mergedDir.ts'
import { isWithin, joinPath, nameOf, parentOf } from './mergedPath.ts'
import { OverlayError } from './OverlayError.ts'
import { baseHas, removeEntry } from './namespace.ts'
import { removeTree } from './staging.ts'
import { isWhiteoutStat, OPAQUE_XATTR } from './storageFormat.ts'
import { placeWhiteout } from './whiteout.ts'
import { beginRename, endRename, pendingRename } from './renameJournal.ts'
import { guardName, releaseGuard } from './whiteoutGuard.ts'
import { atimeOf, mtimeOf } from './times.ts'

export function rename(ctx: OverlayContext, from: string, to: string): void {
  if (from === to) return
  const source = ctx.layers.require(from, 'rename')
  if (isWithin(to, from)) throw new OverlayError('EINVAL', 'rename', from)
  const target = ctx.layers.resolve(to)
  if (target !== undefined) checkReplace(ctx, source, target, to)
  const dest = `${ensureUpperDir(ctx, parentOf(to))}/${nameOf(to)}`
  const destHasBase = baseHas(ctx, to, target)
  if (!isDir(source.stat.mode)) {
    const moved = copyUp(ctx, from, source)
    if (!baseHas(ctx, from, source)) {
      ctx.sys.rename(moved.real, dest)
      return
    }
    beginRename(ctx, from, to, moved.real)
    ctx.sys.rename(moved.real, dest)
    finishRename(ctx, from)
    endRename(ctx)
    return
  }
  // Until the directory lands at `dest`, a guard keeps whatever the base has there hidden.
  const guard = destHasBase ? guardName(ctx, dest) : undefined
  if (target !== undefined && target.layer === 'storage') moveAside(ctx, target.real)
  else clearWhiteout(ctx, dest)
  const info = ctx.layers.dir(from)
  if (source.layer === 'storage' && info?.base === null) {
    // Storage-only content (new, or opaque over the base): one rename; the base stays hidden.
    const sourceHasBase = baseHas(ctx, from, source)
    ctx.sys.rename(source.real, dest)
    if (destHasBase) ctx.sys.setXattr(dest, OPAQUE_XATTR, Buffer.from('y'))
    if (sourceHasBase) placeWhiteout(ctx.sys, ctx.paths, ctx.staging, source.real)
  } else {
    const tmp = ctx.staging.next()
    try {
      copyMergedTree(ctx, from, source, tmp)
      ctx.sys.setXattr(tmp, OPAQUE_XATTR, Buffer.from('y'))
      beginRename(ctx, from, to, tmp)
      ctx.sys.rename(tmp, dest)
    } catch (err) {
      ctx.staging.discard(tmp)
      endRename(ctx)
      throw err
    }
    finishRename(ctx, from)
    endRename(ctx)
  }
  if (guard !== undefined) releaseGuard(ctx, guard)
  ctx.layers.invalidate(from)
  ctx.layers.invalidate(to)
}

function checkReplace(ctx: OverlayContext, source: Entry, target: Entry, to: string): void {
  const sourceIsDir = isDir(source.stat.mode)
  const targetIsDir = isDir(target.stat.mode)
  if (sourceIsDir && !targetIsDir) throw new OverlayError('ENOTDIR', 'rename', to)
  if (!sourceIsDir && targetIsDir) throw new OverlayError('EISDIR', 'rename', to)
  if (targetIsDir) {
    const info = ctx.layers.dir(to)
    if (info === undefined || !isMergedEmpty(ctx, info)) throw new OverlayError('ENOTEMPTY', 'rename', to)
  }
}

/**
 * The second step of a two-step rename: the moved entry is in place at its new name; whatever
 * the merged view still shows at the old name (the base version) goes. Also run at mount to
 * finish a rename a crash interrupted (see renameJournal.ts).
 */
export function finishRename(ctx: OverlayContext, from: string): void {
  ctx.layers.invalidate(from)
  const old = ctx.layers.resolve(from)
  if (old === undefined) return
  if (isDir(old.stat.mode)) removeSubtree(ctx, from, old)
  else removeEntry(ctx, from, old)
}

/** Finishes a rename a crash interrupted after its entry landed at the new name. */
export function recoverRename(ctx: OverlayContext): string | undefined {
  const pending = pendingRename(ctx)
  if (pending === undefined) return undefined
  const at = ctx.layers.resolve(pending.to)
  const landed = at?.layer === 'storage' && at.stat.ino === pending.ino
  if (landed) finishRename(ctx, pending.from)
  endRename(ctx)
  return landed
    ? `finished renaming ${pending.from} to ${pending.to} (interrupted by a crash)`
    : `a rename of ${pending.from} to ${pending.to} never started before a crash; nothing changed`
}

/** Removes a merged subtree from view: storage copies go, base content is whited out. */
function removeSubtree(ctx: OverlayContext, path: string, entry: Entry): void {
  if (entry.layer === 'storage') {
    moveAside(ctx, entry.real)
    ctx.layers.invalidate(path)
    const back = ctx.layers.resolve(path)
    if (back !== undefined) removeEntry(ctx, path, back)
    return
  }
  removeEntry(ctx, path, entry)
}

function moveAside(ctx: OverlayContext, real: string): void {
  const aside = ctx.staging.next()
  ctx.sys.rename(real, aside)
  removeTree(ctx.sys, aside)
}

function clearWhiteout(ctx: OverlayContext, real: string): void {
  const stat = ctx.sys.lstat(real)
  if (stat !== undefined && isWhiteoutStat(stat)) ctx.sys.unlink(real)
}

/** Copies what the merged view shows under `path` into `dest` (a new path in work/). */
function copyMergedTree(ctx: OverlayContext, path: string, entry: Entry, dest: string): void {
  const { sys } = ctx
  const { stat } = entry
  if (!isDir(stat.mode)) {
    copyEntry(ctx, entry, dest)
    return
  }
  sys.mkdir(dest, 0o700)
  const info = ctx.layers.dir(path)
  if (info === undefined) throw new OverlayError('ENOENT', 'rename', path)
  for (const name of mergedNames(ctx, info)) {
    const child = ctx.layers.lookup(info, name)
    if (child !== undefined) copyMergedTree(ctx, joinPath(path, name), child, `${dest}/${name}`)
  }
  sys.lchown(dest, stat.uid, stat.gid)
  sys.chmod(dest, stat.mode & 0o7777)
  copyXattrs(sys, entry.real, dest)
  sys.utimens(dest, atimeOf(stat), mtimeOf(stat))
}

/** A storage entry is linked (cheap, keeps the inode); a base entry is copied. */
function copyEntry(ctx: OverlayContext, entry: Entry, dest: string): void {
  if (entry.layer === 'storage') {
    ctx.sys.link(entry.real, dest)
    return
  }
  stage(ctx, entry, dest, true)
}
