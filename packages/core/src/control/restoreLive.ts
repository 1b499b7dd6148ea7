/**
 * A restore through the daemon that serves the storage: the archive is checked and staged while
 * the mount keeps serving (streamed reads, short synchronous writes between FUSE requests), then
 * swapped in at one instant on the engine's thread, like a reset: the open files it would strand
 * refuse it unless forced, the caches of the whole tree are dropped, and the state before it is
 * kept as the undo state (`undo` brings it back).
 */
import { ROOT } from '../engine/mergedPath.ts'
import { restoreBackup, type RestoreResult } from '../backup/restoreBackup.ts'
import type { RestorePlan } from '../backup/planRestore.ts'
import type { HandlerContext, Handled } from './handlers.ts'
import { describe, refuseStranding, strandedBy } from './openFiles.ts'
import type { ControlRequest } from './protocol.ts'

type RestoreRequest = Extract<ControlRequest, { op: 'restore' }>

/** Paths a restore replaces: all of them for --replace, else what the plan adds or replaces. */
function touched(plan: RestorePlan, replace: boolean): string[] {
  if (replace) return [ROOT]
  return [...plan.added, ...plan.replaced].map((item) => item.path)
}

export async function restoreLive(h: HandlerContext, req: RestoreRequest): Promise<Handled> {
  const { overlay } = h
  const { ctx } = overlay
  const replace = req.replace === true
  let settle: Promise<void> | undefined
  const result: RestoreResult = await restoreBackup({
    storage: h.info.storage,
    file: req.archive,
    replace,
    dryRun: req.dryRun === true,
    sys: ctx.sys,
    ...(req.limits ? { limits: req.limits } : {}),
    live: {
      swap: (plan, swapIn) => {
        const paths = touched(plan, replace)
        const stranded = strandedBy(overlay, paths)
        refuseStranding(stranded, 'restore', req.force, h.info.storage)
        h.kernel.strand(stranded.map((s) => s.fd))
        swapIn()
        ctx.layers.invalidate(ROOT)
        settle = h.kernel.invalidate(paths)
        h.publish({ kind: 'restore', path: '/', time: Date.now() })
        return settle
      },
    },
  })
  if (req.dryRun === true) {
    const paths = touched(result.plan, replace)
    return { result: { ...result, openFiles: strandedBy(overlay, paths).map(describe) } }
  }
  return settle === undefined ? { result } : { result, settle }
}
