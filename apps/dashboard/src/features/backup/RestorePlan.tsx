import type { RestoreResult } from '@layerdeck/api'
import { formatCount } from '../../shared/format.ts'
import { displayName } from '../../shared/paths.ts'
import ui from '../../shared/ui/ui.module.css'
import s from './backup.module.css'

type Plan = RestoreResult['plan']
const SHOWN = 500

function Items({ title, items }: { title: string; items: Plan['added'] }) {
  if (items.length === 0) return null
  return (
    <details className={s.details} open={items.length <= 20}>
      <summary>
        {title}: {formatCount(items.length)}
      </summary>
      <ul className={ui.list}>
        {items.slice(0, SHOWN).map((item) => (
          <li key={item.path}>
            <span>{displayName(item.path)}</span>
            <span className={s.muted}>
              {item.kind}
              {item.was ? ` (was ${item.was})` : ''}
            </span>
          </li>
        ))}
      </ul>
      {items.length > SHOWN ? (
        <p className={s.muted}>…and {formatCount(items.length - SHOWN)} more.</p>
      ) : null}
    </details>
  )
}

/** The dry run's plan: what the restore adds, replaces and (with replace) removes. */
export function RestorePlan({ plan, replace }: { plan: Plan; replace: boolean }) {
  const nothing = plan.added.length + plan.replaced.length + plan.removedEntries === 0
  return (
    <section aria-label="What the restore changes">
      {nothing ? <p>Nothing changes: the storage already holds this backup.</p> : null}
      <Items title="Added" items={plan.added} />
      <Items title="Replaced" items={plan.replaced} />
      {replace ? (
        <Items
          title={`Removed (${formatCount(plan.removedEntries)} entries in all)`}
          items={plan.removed}
        />
      ) : null}
      <p className={s.muted}>{formatCount(plan.unchanged)} entries are already the same.</p>
    </section>
  )
}
