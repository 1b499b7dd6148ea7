import { isWithin } from '../../shared/paths.ts'
import { useDevice } from '../../shared/queries.ts'
import { Notice } from '../../shared/ui/Notice.tsx'

/** A kernel-mounted storage applies reverts and resets at the next boot: say when one waits. */
export function Pending({ path }: { path: string }) {
  const pending = useDevice().data?.pending ?? []
  const waiting = pending.find((a) => a.op === 'reset' || a.paths.some((p) => isWithin(path, p)))
  if (!waiting) return null
  return (
    <Notice
      kind="info"
      title={
        waiting.op === 'reset'
          ? 'A factory reset waits for the next boot'
          : 'A revert of this path waits for the next boot'
      }
    >
      The kernel has this storage mounted, so the change is applied before the next mount.
    </Notice>
  )
}
