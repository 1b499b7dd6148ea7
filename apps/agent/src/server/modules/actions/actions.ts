/**
 * Revert, reset, undo, purge: checked here (paths resolved, hostile ones refused before the
 * daemon hears of them), applied by the daemon serving the mount (live and atomic), recorded for
 * the next boot on a storage the kernel mounted. Open files a change would strand come back as
 * 409 busy with their list (the daemon's EBUSY); `force` goes ahead.
 */
import {
  addPending,
  checkRequestPath,
  Layers,
  listChanges,
  planRevert,
  requireRequestPath,
  resolveRequestPath,
  hasCode,
  storageUsage,
  isWithin,
  type OpenFile,
  type RevertStep,
  type ResetResult as CoreResetResult,
} from '@layerdeck/core'
import type { PurgeResult, ResetRequest, ResetResult, RevertRequest, RevertResult, UndoResult } from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'
import { ApiError } from '../../http/ApiError.ts'
import { toChange, viewOf } from '../inspect/inspect.ts'

const KERNEL_MOUNTED =
  'the kernel has this storage mounted: changing it under a live overlay is undefined, so this can only be recorded for the next boot (send atNextBoot: true)'

/** Checked, normalised paths that exist in at least one layer (404 otherwise). */
export function checkPaths(ctx: AgentContext, inputs: string[]): string[] {
  const view = viewOf(ctx)
  const layers = new Layers(view.sys, view.base, view.paths)
  return inputs.map((p) => requireRequestPath(view, p, layers).path)
}

/** The open files on the mount (under `within` when given), when the daemon can tell. */
export async function openFiles(ctx: AgentContext, within?: string[]): Promise<OpenFile[]> {
  try {
    const all = (await ctx.link.call({ op: 'handles' })) as OpenFile[] | { openFiles?: OpenFile[] }
    const list = Array.isArray(all) ? all : (all.openFiles ?? [])
    return within === undefined ? list : list.filter((f) => within.some((p) => isWithin(f.path, p)))
  } catch {
    return [] // a daemon that predates `handles`
  }
}

const stepsOf = (result: unknown): RevertStep[] =>
  Array.isArray(result) ? (result as RevertStep[]) : ((result as { steps?: RevertStep[] }).steps ?? [])
/** The open files in a daemon's answer: `openFiles` on the result, or on each step of a revert plan. */
function openFilesOf(result: unknown): OpenFile[] | undefined {
  if (Array.isArray(result)) {
    const per = (result as Array<{ openFiles?: OpenFile[] }>).filter((s) => Array.isArray(s.openFiles))
    if (per.length === 0) return undefined
    const seen = new Map<string, OpenFile>()
    for (const f of per.flatMap((s) => s.openFiles ?? [])) seen.set(`${f.pid}:${f.path}:${f.write}`, f)
    return [...seen.values()]
  }
  const files = (result as { openFiles?: unknown } | null)?.openFiles
  return Array.isArray(files) ? (files as OpenFile[]) : undefined
}

export async function revert(ctx: AgentContext, body: RevertRequest): Promise<RevertResult> {
  const paths = checkPaths(ctx, body.paths)
  const added = body.added === true
  const dryRun = body.dryRun === true
  const { mode } = ctx.link.state
  if (mode === 'kernel') {
    if (body.atNextBoot !== true) throw new ApiError('conflict', KERNEL_MOUNTED)
    const steps = planOnly(ctx, paths, added)
    if (!dryRun) addPending(ctx.sys, ctx.paths, { op: 'revert', paths, added })
    return { dryRun, applied: false, atNextBoot: true, steps, openFiles: [] }
  }
  const result = await ctx.link.call({ op: 'revert', paths, added, dryRun, ...(body.force === true ? { force: true } : {}) })
  const steps = stepsOf(result)
  const files = openFilesOf(result) ?? (dryRun ? await openFiles(ctx, paths) : [])
  return { dryRun, applied: !dryRun && steps.some((s) => s.action !== 'unchanged'), atNextBoot: false, steps, openFiles: files }
}

/** The plan of a revert without touching the storage (a kernel-mounted one must not be written). */
function planOnly(ctx: AgentContext, paths: string[], added: boolean): RevertStep[] {
  const view = viewOf(ctx)
  // planRevert reads through ctx.sys and ctx.layers only: no staging is prepared, nothing is written.
  const readOnly = { sys: view.sys, layers: new Layers(view.sys, view.base, view.paths), paths: view.paths } as unknown as Parameters<typeof planRevert>[0]
  return planRevert(readOnly, paths, { added })
}

/** A keep path: checked, never through a symlink; it need not exist (then nothing is kept there). */
function keptPath(ctx: AgentContext, input: string): string {
  const path = checkRequestPath(input)
  try {
    resolveRequestPath(viewOf(ctx), path)
  } catch (err) {
    if (!hasCode(err, 'ENOENT', 'ENOTDIR')) throw err
  }
  return path
}

export async function reset(ctx: AgentContext, body: ResetRequest): Promise<ResetResult> {
  const keep = (body.keep ?? []).map((p) => keptPath(ctx, p))
  if (keep.includes('/')) throw new ApiError('invalid-input', 'keeping / keeps everything: name the paths to keep')
  const dryRun = body.dryRun === true
  const { mode } = ctx.link.state
  if (mode === 'kernel') {
    if (body.atNextBoot !== true) throw new ApiError('conflict', KERNEL_MOUNTED)
    const view = viewOf(ctx)
    const goes = listChanges(view).filter((c) => !keep.some((k) => isWithin(c.path, k)))
    if (!dryRun) addPending(ctx.sys, ctx.paths, { op: 'reset', keep })
    const frees = storageUsage({ sys: ctx.sys, paths: ctx.paths }).resetFrees
    const kept = keep.filter((k) => ctx.sys.lstat(`${ctx.paths.upper}${k}`) !== undefined)
    return { dryRun, applied: false, atNextBoot: true, kept, notInStorage: keep.filter((k) => !kept.includes(k)), goes: goes.map(toChange), frees, undoable: false, openFiles: [] }
  }
  const result = (await ctx.link.call({ op: 'reset', keep, dryRun, ...(body.force === true ? { force: true } : {}) })) as CoreResetResult & { openFiles?: OpenFile[] }
  const files = openFilesOf(result) ?? (dryRun ? await openFiles(ctx) : [])
  return {
    dryRun,
    applied: !dryRun,
    atNextBoot: false,
    kept: result.kept,
    notInStorage: result.notInStorage,
    goes: result.goes === null ? null : result.goes.map(toChange),
    frees: result.frees,
    undoable: !dryRun,
    openFiles: files,
  }
}

export async function undo(ctx: AgentContext, force: boolean): Promise<UndoResult> {
  if (ctx.link.state.mode === 'kernel') throw new ApiError('conflict', 'the kernel has this storage mounted: undo is only possible on a LayerDeck mount')
  await ctx.link.call({ op: 'undo', ...(force ? { force: true } : {}) })
  return { applied: true, undoable: true }
}

export async function purge(ctx: AgentContext): Promise<PurgeResult> {
  if (ctx.link.state.mode === 'kernel') throw new ApiError('conflict', 'the kernel has this storage mounted: purge is only possible on a LayerDeck mount')
  const result = (await ctx.link.call({ op: 'purge' })) as { freed?: number }
  return { freed: result.freed ?? 0 }
}

/** The daemon's refusals in the API's words. */
export function explainDaemonError(err: unknown): unknown {
  const e = err as { code?: string; message?: string; openFiles?: OpenFile[] }
  if (e.code === 'EBUSY' && Array.isArray(e.openFiles)) {
    const n = e.openFiles.length
    return new ApiError('busy', `${n} open file${n === 1 ? '' : 's'} would be stranded (see openFiles): close ${n === 1 ? 'it' : 'them'}, or send the same request with force: true`, { openFiles: e.openFiles })
  }
  return err
}
