/**
 * Reading the overlay for the API: base and storage read directly (never through the mount),
 * every path resolved by core's requestPath (refused with 400, missing with 404).
 */
import {
  CRITICAL_PERCENT,
  changesUnder,
  diffChange,
  entryType,
  isWithin,
  listChanges,
  requireRequestPath,
  storageUsage,
  WARN_PERCENT,
  type Change as CoreChange,
  type OverlayView,
} from '@layerdeck/core'
import type { Change, ChangeCounts, ChangesPage, Diff, Usage, UsageLevel } from '@layerdeck/api'
import { CHANGE_STATES } from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'
import { ApiError } from '../../http/ApiError.ts'

/** Base and storage as the daemon serves them; 503 while the base is not known. */
export function viewOf(ctx: AgentContext): OverlayView {
  const base = ctx.link.state.base
  if (base === undefined) {
    throw new ApiError('unavailable', 'the base of this storage is not known yet (no mount serves it): start serve with --base DIR')
  }
  if (ctx.sys.lstat(ctx.paths.upper) === undefined) {
    throw new ApiError('unavailable', `the storage ${ctx.paths.root} is missing (unplugged or not mounted)`)
  }
  return { sys: ctx.sys, paths: ctx.paths, base }
}

export const toChange = (c: CoreChange): Change => ({ path: c.path, state: c.state, type: c.type, size: c.size, fields: c.fields })

export function countChanges(changes: CoreChange[]): ChangeCounts {
  const counts = Object.fromEntries(CHANGE_STATES.map((s) => [s, 0])) as ChangeCounts
  for (const c of changes) counts[c.state] = (counts[c.state] ?? 0) + 1
  return counts
}

export function changesPage(ctx: AgentContext, offset: number, limit: number): ChangesPage {
  const all = listChanges(viewOf(ctx))
  return { total: all.length, offset, limit, counts: countChanges(all), changes: all.slice(offset, offset + limit).map(toChange) }
}

export function diffOf(ctx: AgentContext, input: string): Diff {
  const view = viewOf(ctx)
  const r = requireRequestPath(view, input)
  const under = changesUnder(view, r.path)
  const self = under.find((c) => c.path === r.path)
  const shown = r.entry?.stat ?? r.base?.stat ?? r.storage?.stat
  const type = shown === undefined ? 'whiteout' : entryType(shown)
  const isFolder = type === 'dir'
  const changes = isFolder ? under.filter((c) => c.path !== r.path).map(toChange) : []
  if (self === undefined) return { path: r.path, type, state: 'unchanged', fields: [], content: { kind: 'none' }, changes }
  const d = diffChange(view.sys, self)
  return { path: r.path, type, state: d.state, fields: d.fields, content: d.content, changes }
}

export function usageLevel(percent: number): UsageLevel {
  return percent >= CRITICAL_PERCENT ? 'critical' : percent >= WARN_PERCENT ? 'warn' : 'ok'
}

export function usageOf(ctx: AgentContext, top: number): Usage {
  const base = ctx.link.state.base
  if (ctx.sys.lstat(ctx.paths.upper) === undefined) throw new ApiError('unavailable', `the storage ${ctx.paths.root} is missing (unplugged or not mounted)`)
  const u = storageUsage({ sys: ctx.sys, paths: ctx.paths, base, top })
  return {
    ...u,
    thresholds: { warnPercent: WARN_PERCENT, criticalPercent: CRITICAL_PERCENT },
    level: usageLevel(u.filesystem.usedPercent),
  }
}

export const pathsWithin = (path: string, list: string[]): boolean => list.some((p) => isWithin(path, p))
