import type { Usage } from '@layerdeck/api'
import { formatBytes, formatCount } from '../../shared/format.ts'
import { displayName } from '../../shared/paths.ts'
import { Notice } from '../../shared/ui/Notice.tsx'
import s from './overview.module.css'

const pct = (part: number, whole: number) =>
  whole > 0 ? Math.min(100, Math.max(0, (part / whole) * 100)) : 0

/**
 * One bar for the storage filesystem (what LayerDeck's changes hold, what else is used, free),
 * with the warning and critical thresholds marked; then what takes the space, by folder.
 */
export function UsageChart({ usage }: { usage: Usage | undefined }) {
  if (!usage) return <div className={s.chartSkeleton} aria-hidden="true" />
  const fs = usage.filesystem
  // usedPercent is used / (used + available), as df shows it (blocks reserved for root aside).
  const whole = fs.used + fs.available
  const heldPct = pct(usage.held, whole)
  const otherPct = Math.max(0, pct(fs.used, whole) - heldPct)
  const { warnPercent, criticalPercent } = usage.thresholds
  const label = `${Math.round(fs.usedPercent)} % of ${formatBytes(fs.size)} used: changes hold ${formatBytes(usage.held)}, ${formatBytes(fs.available)} free. Warning at ${warnPercent} %, critical at ${criticalPercent} %.`
  const top = usage.byFolder[0]?.bytes ?? 0
  return (
    <div>
      <div className={s.usageHead}>
        <span className={s.bigNumber}>{Math.round(fs.usedPercent)} %</span>
        <span>
          used · {formatBytes(fs.available)} free of {formatBytes(fs.size)}
        </span>
        <span className={s.level} data-level={usage.level}>
          {usage.level === 'ok' ? 'OK' : usage.level === 'warn' ? 'Warning' : 'Critical'}
        </span>
      </div>
      <div className={s.bar} role="img" aria-label={label}>
        <span className={s.barHeld} style={{ width: `${heldPct}%` }} />
        <span className={s.barOther} style={{ width: `${otherPct}%` }} />
        <span className={s.tick} data-kind="warn" style={{ left: `${warnPercent}%` }} />
        <span className={s.tick} data-kind="critical" style={{ left: `${criticalPercent}%` }} />
      </div>
      <div className={s.legend} aria-hidden="true">
        <span>
          <i className={s.swHeld} /> changes {formatBytes(usage.held)}
        </span>
        <span>
          <i className={s.swOther} /> other {formatBytes(Math.max(0, fs.used - usage.held))}
        </span>
        <span>
          <i className={s.swFree} /> free {formatBytes(fs.available)}
        </span>
        <span>
          ┃ warn {warnPercent} % · critical {criticalPercent} %
        </span>
      </div>
      {usage.warnings.map((w) => (
        <Notice key={w} kind={usage.level === 'critical' ? 'error' : 'warn'} title={w} />
      ))}
      <h3 className={s.subhead}>What takes the space</h3>
      {usage.byFolder.length === 0 ? (
        <p className={s.muted}>The storage holds no changes.</p>
      ) : (
        <ul className={s.folders}>
          {usage.byFolder.map((f) => (
            <li key={f.folder}>
              <code className={s.folderName}>{displayName(f.folder)}</code>
              <span className={s.folderBar} aria-hidden="true">
                <span style={{ width: `${pct(f.bytes, top)}%` }} />
              </span>
              <span className={s.folderBytes}>
                {formatBytes(f.bytes)} <small>({formatCount(f.entries)})</small>
              </span>
            </li>
          ))}
        </ul>
      )}
      <p className={s.muted}>
        A factory reset frees {formatBytes(usage.resetFrees)}
        {usage.undoHeld > 0
          ? `; the undo state of the last reset holds ${formatBytes(usage.undoHeld)}`
          : ''}
        .
      </p>
    </div>
  )
}
