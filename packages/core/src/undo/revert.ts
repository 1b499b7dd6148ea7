/**
 * Revert: the base version of a path comes back. Storage copies and whiteouts at and under the
 * path go; entries that exist only in storage go only when `added` is set. Every path is checked
 * before anything changes, so a bad argument changes nothing.
 */
import type { OverlayContext } from '../engine/context.ts'
import { isDir } from '../engine/fileMode.ts'
import { nameOf, normalizeMergedPath, parentOf, ROOT } from '../engine/mergedPath.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import { isWhiteoutStat, OPAQUE_XATTR, ORIGIN_XATTR, REDIRECT_XATTR } from '../engine/storageFormat.ts'
import type { FileStat } from '../engine/sys.ts'
import { metadataChanges } from '../inspect/compare.ts'
import { copyMeta, removeAside } from './treeCopy.ts'

export interface RevertOptions {
  /** Also remove entries that exist only in storage. */
  added?: boolean
}

/**
 * restore: a storage copy goes, the base version shows again; undelete: a whiteout goes;
 * remove: an entry that exists only in storage goes (needs `added`); tree: a directory whose
 * storage entries are reverted one by one; unchanged: nothing in storage at the path.
 */
export type RevertAction = 'restore' | 'undelete' | 'remove' | 'tree' | 'unchanged'

export interface RevertStep {
  path: string
  action: RevertAction
}

interface Target {
  path: string
  real: string
  stat: FileStat | undefined
  base: { real: string; stat: FileStat } | undefined
}

/** Checks every path and says what reverting it will do; throws (changing nothing) on bad input. */
export function planRevert(
  ctx: OverlayContext,
  inputs: string[],
  options: RevertOptions = {},
): RevertStep[] {
  if (inputs.length === 0) throw new OverlayError('EINVAL', 'revert', '', 'no path given')
  return inputs.map((input) => {
    const path = normalizeMergedPath(input, 'revert')
    return { path, action: actionFor(ctx, targetOf(ctx, path), options) }
  })
}

function targetOf(ctx: OverlayContext, path: string): Target {
  const real = ctx.layers.upperPathOf(path)
  const stat = ctx.sys.lstat(real)
  if (path === ROOT) {
    const baseStat = ctx.sys.lstat(ctx.layers.baseRoot)
    return {
      path,
      real,
      stat,
      base: baseStat === undefined ? undefined : { real: ctx.layers.baseRoot, stat: baseStat },
    }
  }
  const parent = ctx.layers.dir(parentOf(path))
  const baseReal = parent?.base == null ? null : `${parent.base}/${nameOf(path)}`
  const baseStat = baseReal === null ? undefined : ctx.sys.lstat(baseReal)
  return {
    path,
    real,
    stat,
    base:
      baseReal !== null && baseStat !== undefined ? { real: baseReal, stat: baseStat } : undefined,
  }
}

function actionFor(ctx: OverlayContext, t: Target, options: RevertOptions): RevertAction {
  if (t.stat === undefined) {
    if (ctx.layers.resolve(t.path) !== undefined) return 'unchanged'
    throw new OverlayError('ENOENT', 'revert', t.path)
  }
  if (isWhiteoutStat(t.stat)) return 'undelete'
  if (t.base === undefined) {
    if (options.added === true) return 'remove'
    throw new OverlayError(
      'EPERM',
      'revert',
      t.path,
      'exists only in storage (added): give --added to remove it',
    )
  }
  if (isDir(t.stat.mode) && isDir(t.base.stat.mode) && (t.path === ROOT || options.added !== true))
    return 'tree'
  return 'restore'
}

/** Applies a plan made by planRevert. Returns how many storage entries went. */
export function applyRevert(
  ctx: OverlayContext,
  steps: RevertStep[],
  options: RevertOptions = {},
): number {
  let removed = 0
  for (const step of steps) {
    const t = targetOf(ctx, step.path)
    removed += applyStep(ctx, step.action, t, options.added === true)
    ctx.layers.invalidate(step.path)
    if (step.path !== ROOT) pruneParents(ctx, parentOf(step.path))
  }
  return removed
}

/**
 * Storage directories left empty by a revert that were only copied up as parents (same mode,
 * owner and xattrs as the base, not opaque) go too, so the base directory shows again, mtime
 * included.
 */
function pruneParents(ctx: OverlayContext, path: string): void {
  const { sys } = ctx
  for (let dir = path; dir !== ROOT; dir = parentOf(dir)) {
    const real = ctx.layers.upperPathOf(dir)
    const stat = sys.lstat(real)
    const t = targetOf(ctx, dir)
    if (stat === undefined || !isDir(stat.mode) || t.base === undefined || !isDir(t.base.stat.mode))
      return
    // Opaque or redirected directories mean something; our origin record of a copy-up does not.
    if (
      sys.readdir(real).length > 0 ||
      sys.listXattr(real).some((n) => n.startsWith('trusted.overlay.') && n !== ORIGIN_XATTR)
    )
      return
    if (metadataChanges(sys, { real, stat }, t.base, false).length > 0) return
    sys.rmdir(real)
    ctx.layers.invalidate(dir)
  }
}

function applyStep(ctx: OverlayContext, action: RevertAction, t: Target, added: boolean): number {
  const { sys } = ctx
  // An earlier path of the same plan (a parent) may already have taken it.
  if (t.stat === undefined) return 0
  switch (action) {
    case 'unchanged':
      return 0
    case 'undelete':
      sys.unlink(t.real)
      return 1
    case 'restore':
    case 'remove':
      if (t.stat !== undefined && isDir(t.stat.mode)) removeAside(sys, ctx.paths, t.real, 'revert')
      else sys.unlink(t.real)
      return 1
    case 'tree':
      return t.base === undefined ? 0 : revertTree(ctx, t.real, t.base, added, t.path === ROOT)
    default:
      return assertNever(action)
  }
}

interface TreeFrame {
  real: string
  base: { real: string; stat: FileStat }
  names: string[]
  next: number
}

/**
 * Reverts a storage directory over a base directory entry by entry; keeps storage-only entries
 * unless `added`. Iterative (a tree may be as deep as any user made it through the mount): each
 * directory is finished once its entries are done.
 */
function revertTree(
  ctx: OverlayContext,
  real: string,
  base: { real: string; stat: FileStat },
  added: boolean,
  isRoot: boolean,
): number {
  const { sys } = ctx
  let removed = 0
  const stack: TreeFrame[] = [{ real, base, names: sys.readdir(real), next: 0 }]
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    const name = top.names[top.next++]
    if (name === undefined) {
      stack.pop()
      removed += finishDir(ctx, top, isRoot && stack.length === 0)
      continue
    }
    const child = `${top.real}/${name}`
    const stat = sys.lstat(child)
    if (stat === undefined) continue
    const baseReal = `${top.base.real}/${name}`
    const baseStat = sys.lstat(baseReal)
    if (isWhiteoutStat(stat)) {
      sys.unlink(child)
      removed += 1
    } else if (isDir(stat.mode) && baseStat !== undefined && isDir(baseStat.mode)) {
      stack.push({ real: child, base: { real: baseReal, stat: baseStat }, names: sys.readdir(child), next: 0 })
    } else if (baseStat !== undefined || added) {
      if (isDir(stat.mode)) removeAside(sys, ctx.paths, child, 'revert')
      else sys.unlink(child)
      removed += 1
    }
  }
  return removed
}

/** A reverted directory: no opacity or redirect; gone when empty, else the base's metadata. */
function finishDir(ctx: OverlayContext, dir: TreeFrame, isRoot: boolean): number {
  const { sys } = ctx
  for (const name of [OPAQUE_XATTR, REDIRECT_XATTR]) {
    if (sys.getXattr(dir.real, name) !== undefined) sys.removeXattr(dir.real, name)
  }
  if (isRoot) return 0
  if (sys.readdir(dir.real).length === 0) {
    sys.rmdir(dir.real)
    return 1
  }
  // Storage-only entries stay in it: the directory itself takes the base's metadata back.
  for (const name of sys.listXattr(dir.real))
    if (!name.startsWith('trusted.overlay.')) sys.removeXattr(dir.real, name)
  copyMeta(sys, dir.base.real, dir.base.stat, dir.real, false)
  return 0
}

function assertNever(x: never): never {
  throw new Error(`unexpected revert action ${String(x)}`)
}

/** planRevert + applyRevert. */
export function revertPaths(
  ctx: OverlayContext,
  inputs: string[],
  options: RevertOptions = {},
): RevertStep[] {
  const steps = planRevert(ctx, inputs, options)
  applyRevert(ctx, steps, options)
  return steps
}
