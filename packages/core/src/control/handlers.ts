/**
 * What the daemon does for each control request: the same library calls the CLI makes on an
 * unmounted storage, run on the mount's own engine context. A change first looks at the open
 * files it would strand (openFiles.ts); once applied, the engine's directory cache and the
 * kernel's caches are dropped for what changed, and the answer waits until the kernel has taken
 * that, so whatever the caller does next through the mount sees the new state.
 */
import { ROOT } from '../engine/mergedPath.ts'
import type { Overlay } from '../engine/Overlay.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import type { KernelCache } from '../fuse/kernelCache.ts'
import { listChanges } from '../inspect/changes.ts'
import { keptByLastReset, purgeResets, resetStorage, undoReset } from '../undo/reset.ts'
import { applyRevert, planRevert } from '../undo/revert.ts'
import { normalizeMergedPath } from '../engine/mergedPath.ts'
import { describe, refuseStranding, strandedBy } from './openFiles.ts'
import { restoreLive } from './restoreLive.ts'
import type { ControlEvent, ControlRequest, MountInfo } from './protocol.ts'

export interface HandlerContext {
  overlay: Overlay
  info: MountInfo
  kernel: KernelCache
  publish(event: ControlEvent): void
}

/** The client a request came from: what it holds is released when it goes away. */
export interface ClientContext {
  snapshots: Set<string>
}

export interface Handled {
  result: unknown
  /** The answer waits for this (the kernel taking the invalidations). */
  settle?: Promise<void>
}

/** Strands what must be, applies, drops every cache of what changed. */
function applied(h: HandlerContext, paths: string[], keep: string[], force: boolean | undefined, op: string, apply: () => unknown): Handled {
  const stranded = strandedBy(h.overlay, paths, keep)
  refuseStranding(stranded, op, force, h.info.storage)
  h.kernel.strand(stranded.map((s) => s.fd))
  const result = apply()
  for (const p of paths) h.overlay.ctx.layers.invalidate(p)
  return { result, settle: h.kernel.invalidate(paths, keep) }
}

export function handle(h: HandlerContext, req: ControlRequest, client: ClientContext): Handled | Promise<Handled> {
  const { ctx } = h.overlay
  const time = Date.now()
  switch (req.op) {
    case 'info':
      return { result: h.info }
    case 'status':
      return { result: listChanges({ sys: ctx.sys, paths: ctx.paths, base: h.info.base }) }
    case 'handles':
      return { result: h.overlay.handles.all().map(describe) }
    case 'revert': {
      const options = { added: req.added === true }
      const steps = planRevert(ctx, req.paths, options)
      const changing = steps.filter((s) => s.action !== 'unchanged').map((s) => s.path)
      if (req.dryRun === true) {
        return { result: steps.map((s) => ({ ...s, openFiles: strandedBy(h.overlay, [s.path]).map(describe) })) }
      }
      const done = applied(h, changing, [], req.force, 'revert', () => applyRevert(ctx, steps, options))
      for (const step of steps) h.publish({ kind: 'revert', path: step.path, time })
      return { result: steps, ...(done.settle ? { settle: done.settle } : {}) }
    }
    case 'reset': {
      const keep = (req.keep ?? []).map((p) => normalizeMergedPath(p, 'reset'))
      const options = { keep: req.keep ?? [], base: h.info.base, dryRun: req.dryRun === true }
      if (req.dryRun === true) {
        const plan = resetStorage(ctx.sys, ctx.paths, options)
        return { result: { ...plan, openFiles: strandedBy(h.overlay, [ROOT], keep).map(describe) } }
      }
      const done = applied(h, [ROOT], keep, req.force, 'reset', () => resetStorage(ctx.sys, ctx.paths, options))
      h.publish({ kind: 'reset', path: '/', time })
      return done
    }
    case 'undo': {
      const keep = keptByLastReset(ctx.sys, ctx.paths)
      const done = applied(h, [ROOT], keep, req.force, 'undo', () => undoReset(ctx.sys, ctx.paths))
      h.publish({ kind: 'undo', path: '/', time })
      return done
    }
    case 'purge': {
      const freed = purgeResets(ctx.sys, ctx.paths)
      h.publish({ kind: 'purge', path: '/', time })
      return { result: { freed } }
    }
    case 'watch':
      return { result: { watching: true } }
    case 'restore':
      return restoreLive(h, req)
    case 'snapshot': {
      const { id, dir } = h.overlay.snapshots.create((p) => h.overlay.handles.writing(p))
      client.snapshots.add(id)
      return { result: { snapshot: id, storage: dir } }
    }
    case 'release': {
      client.snapshots.delete(req.snapshot)
      return { result: { released: h.overlay.snapshots.release(String(req.snapshot)) } }
    }
    default:
      throw new OverlayError('EINVAL', 'control', String((req as { op?: unknown }).op), 'unknown request')
  }
}
