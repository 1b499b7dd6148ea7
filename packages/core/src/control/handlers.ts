/**
 * What the daemon does for each control request: the same library calls the CLI makes on an
 * unmounted storage, run on the mount's own engine context, then the engine's directory cache is
 * dropped so the next lookup through the mount sees the new state.
 */
import type { Overlay } from '../engine/Overlay.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import { listChanges } from '../inspect/changes.ts'
import { purgeResets, resetStorage, undoReset } from '../undo/reset.ts'
import { applyRevert, planRevert } from '../undo/revert.ts'
import type { ControlEvent, ControlRequest, MountInfo } from './protocol.ts'

/**
 * The kernel caches entries and attributes for 1 s (libfuse's default entry_timeout and
 * attr_timeout; fuse-native cannot send invalidations). An answer after a live revert or reset
 * waits this long, so whatever the caller does next through the mount sees the base version.
 */
export const KERNEL_CACHE_MS = 1100

export interface HandlerContext {
  overlay: Overlay
  info: MountInfo
  publish(event: ControlEvent): void
}

export interface Handled {
  result: unknown
  /** The answer waits out the kernel's caches. */
  settle: boolean
}

export function handle(h: HandlerContext, req: ControlRequest): Handled {
  const { ctx } = h.overlay
  const time = Date.now()
  switch (req.op) {
    case 'info':
      return { result: h.info, settle: false }
    case 'status':
      return {
        result: listChanges({ sys: ctx.sys, paths: ctx.paths, base: h.info.base }),
        settle: false,
      }
    case 'revert': {
      const options = { added: req.added === true }
      const steps = planRevert(ctx, req.paths, options)
      if (req.dryRun === true) return { result: steps, settle: false }
      applyRevert(ctx, steps, options)
      for (const step of steps) h.publish({ kind: 'revert', path: step.path, time })
      return { result: steps, settle: true }
    }
    case 'reset': {
      const result = resetStorage(ctx.sys, ctx.paths, {
        keep: req.keep ?? [],
        base: h.info.base,
        dryRun: req.dryRun === true,
      })
      if (req.dryRun === true) return { result, settle: false }
      ctx.layers.invalidate('/')
      h.publish({ kind: 'reset', path: '/', time })
      return { result, settle: true }
    }
    case 'undo': {
      const result = undoReset(ctx.sys, ctx.paths)
      ctx.layers.invalidate('/')
      h.publish({ kind: 'undo', path: '/', time })
      return { result, settle: true }
    }
    case 'purge': {
      const freed = purgeResets(ctx.sys, ctx.paths)
      h.publish({ kind: 'purge', path: '/', time })
      return { result: { freed }, settle: false }
    }
    case 'watch':
      return { result: { watching: true }, settle: false }
    default:
      throw new OverlayError(
        'EINVAL',
        'control',
        String((req as { op?: unknown }).op),
        'unknown request',
      )
  }
}
