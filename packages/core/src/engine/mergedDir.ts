/** Reading a merged directory: storage names first, then base names not covered or whited out. */
import { inoOf, toAttr, type Attr } from './attr.ts'
import type { OverlayContext } from './context.ts'
import type { DirInfo } from './layers.ts'
import { isWhiteoutStat } from './storageFormat.ts'

export function mergedNames(ctx: OverlayContext, info: DirInfo): string[] {
  const { sys } = ctx
  if (info.upper === null) return info.base === null ? [] : sys.readdir(info.base)
  const upperNames = sys.readdir(info.upper)
  const whiteouts = whiteoutsIn(ctx, info.upper)
  const names = whiteouts.size === 0 ? upperNames : upperNames.filter((n) => !whiteouts.has(n))
  if (info.base === null) return names
  const covered = new Set(upperNames)
  for (const name of sys.readdir(info.base)) if (!covered.has(name)) names.push(name)
  return names
}

/** Names of the whiteouts in a storage directory. */
export function whiteoutsIn(ctx: OverlayContext, upperDir: string): Set<string> {
  const found = new Set<string>()
  for (const name of ctx.sys.readdirCharDevices(upperDir)) {
    const stat = ctx.sys.lstat(`${upperDir}/${name}`)
    if (stat !== undefined && isWhiteoutStat(stat)) found.add(name)
  }
  return found
}

export function isMergedEmpty(ctx: OverlayContext, info: DirInfo): boolean {
  return mergedNames(ctx, info).length === 0
}

/**
 * Names with their attributes, so readdir can tell the kernel each entry's type and inode: `find`
 * then needs no lookup per entry (one FUSE round trip each).
 */
export function mergedEntries(ctx: OverlayContext, info: DirInfo): { names: string[]; attrs: Attr[] } {
  const names: string[] = []
  const attrs: Attr[] = []
  for (const name of mergedNames(ctx, info)) {
    const entry = ctx.layers.lookup(info, name)
    if (entry === undefined) continue
    const { ino, merged } = inoOf(ctx.layers, entry, name)
    names.push(name)
    attrs.push(toAttr(entry.stat, ino, merged, ctx.snapshots?.extraLinks(entry.stat)))
  }
  return { names, attrs }
}
