import type { ChangeState, ResetResult } from '@layerdeck/api'
import { formatBytes, formatCount } from '../../shared/format.ts'
import { displayName } from '../../shared/paths.ts'
import { StateBadge } from '../../shared/ui/StateBadge.tsx'
import ui from '../../shared/ui/ui.module.css'
import s from './reset.module.css'

const SHOWN = 2000
const ORDER: ChangeState[] = ['modified', 'added', 'deleted', 'metadata', 'opaque']

/** What the reset removes: counts by kind, bytes, the list; and what is kept. */
export function ResetPlan({ plan }: { plan: ResetResult }) {
  const goes = plan.goes ?? []
  const counts = new Map<ChangeState, number>()
  for (const c of goes) counts.set(c.state, (counts.get(c.state) ?? 0) + 1)
  return (
    <section aria-labelledby="plan-h">
      <h2 id="plan-h">What goes</h2>
      {plan.goes === null ? (
        <p>The list is worked out at the next boot.</p>
      ) : (
        <>
          <p className={s.summary}>
            <strong>{formatCount(goes.length)}</strong> change{goes.length === 1 ? '' : 's'}{' '}
            removed, <strong>{formatBytes(plan.frees)}</strong> freed once the undo state is purged.
          </p>
          <div className={s.counts}>
            {ORDER.filter((k) => counts.has(k)).map((k) => (
              <span key={k}>
                <StateBadge state={k} /> {formatCount(counts.get(k) ?? 0)}
              </span>
            ))}
          </div>
          <ul className={ui.list} aria-label="Changes the reset removes">
            {goes.slice(0, SHOWN).map((c) => (
              <li key={c.path}>
                <StateBadge state={c.state} />
                <span>{displayName(c.path)}</span>
              </li>
            ))}
          </ul>
          {goes.length > SHOWN ? (
            <p className={s.muted}>…and {formatCount(goes.length - SHOWN)} more.</p>
          ) : null}
        </>
      )}
      {plan.kept.length > 0 ? (
        <p>Kept as they are now: {plan.kept.map((p) => displayName(p)).join(', ')}.</p>
      ) : null}
      {plan.notInStorage.length > 0 ? (
        <p className={s.muted}>
          Not changed, so nothing to keep: {plan.notInStorage.map((p) => displayName(p)).join(', ')}
          .
        </p>
      ) : null}
    </section>
  )
}
