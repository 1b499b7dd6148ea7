import { Link } from 'wouter'
import type { ChangeState, Device } from '@layerdeck/api'
import { errorMessage } from '../../shared/api/http.ts'
import { formatCount, formatDuration, formatTime } from '../../shared/format.ts'
import { filesHref } from '../../shared/location.ts'
import { useDevice, useUsage } from '../../shared/queries.ts'
import { Notice } from '../../shared/ui/Notice.tsx'
import { persistenceOf } from '../../shared/ui/PersistenceBadge.tsx'
import { StateBadge } from '../../shared/ui/StateBadge.tsx'
import ui from '../../shared/ui/ui.module.css'
import { LiveFeed } from './LiveFeed.tsx'
import { UsageChart } from './UsageChart.tsx'
import s from './overview.module.css'

const KINDS: ChangeState[] = ['modified', 'added', 'deleted', 'metadata', 'opaque']

export function OverviewPage() {
  const device = useDevice()
  const usage = useUsage()
  return (
    <div className={s.grid}>
      <div className={s.column}>
        <section className={`${ui.card} ${s.counts}`} aria-labelledby="counts-h">
          <h2 id="counts-h">Changes since factory</h2>
          <div className={s.countRow}>
            {KINDS.map((kind) => (
              <Link key={kind} href={filesHref({ view: 'changes' })} className={s.count}>
                <strong>
                  {usage.data?.changes ? formatCount(usage.data.changes[kind] ?? 0) : '–'}
                </strong>
                <StateBadge state={kind} />
              </Link>
            ))}
          </div>
          <Link href={filesHref({ view: 'changes' })}>Show every change</Link>
        </section>
        <section className={`${ui.card} ${s.usage}`} aria-labelledby="usage-h">
          <h2 id="usage-h">Storage</h2>
          {usage.isError ? (
            <Notice kind="error" title="Usage unavailable">
              {errorMessage(usage.error)}
            </Notice>
          ) : null}
          <UsageChart usage={usage.data} />
        </section>
      </div>
      <div className={s.column}>
        <section className={`${ui.card} ${s.device}`} aria-labelledby="device-h">
          <h1 id="device-h">{device.data?.hostname ?? 'Device'}</h1>
          {device.isError ? (
            <Notice kind="error" title="Device details unavailable">
              {errorMessage(device.error)}
            </Notice>
          ) : null}
          <DeviceFacts device={device.data} />
        </section>
        <section className={`${ui.card} ${s.feed}`} aria-labelledby="feed-h">
          <h2 id="feed-h">Live changes</h2>
          <LiveFeed />
        </section>
      </div>
    </div>
  )
}

function DeviceFacts({ device }: { device: Device | undefined }) {
  const p = persistenceOf(device, true)
  const fw = device?.firmware
  const rows: [string, string][] = [
    [
      'Firmware',
      fw
        ? [
            fw.prettyName,
            fw.versionId && !fw.prettyName?.includes(fw.versionId) && `(${fw.versionId})`,
            fw.buildId && `build ${fw.buildId}`,
          ]
            .filter(Boolean)
            .join(' ') || 'unknown'
        : device
          ? 'no os-release in the factory image'
          : '…',
    ],
    ['Mount', device ? mountText(device) : '…'],
    ['Engine', device?.mount.engine ?? (device ? '—' : '…')],
    ['Storage', device ? `${p.label} · ${device.storage.path}` : '…'],
    [
      'Changes apply',
      device
        ? {
            live: 'live, while the device runs',
            'at-next-boot': 'at the next boot',
            unavailable: 'not now (mount gone)',
          }[device.actions]
        : '…',
    ],
    ['Up for', device ? formatDuration(device.uptimeSeconds) : '…'],
    ['Agent', device ? `LayerDeck ${device.version}` : '…'],
  ]
  return (
    <>
      <dl className={s.facts}>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {device && device.pending.length > 0 ? (
        <Notice kind="info" title={`${device.pending.length} action(s) waiting for the next boot`}>
          {device.pending
            .map((a) =>
              a.op === 'reset'
                ? `factory reset (keeping ${a.keep.length})`
                : `revert ${a.paths.join(', ')}`,
            )
            .join('; ')}
        </Notice>
      ) : null}
    </>
  )
}

function mountText(device: Device): string {
  const m = device.mount
  if (m.state === 'gone') return 'gone: no daemon serves the storage'
  const where = m.mountpoint ?? '(kernel)'
  const since = m.since ? ` since ${formatTime(m.since)}` : ''
  return m.state === 'kernel'
    ? `kernel overlayfs at ${where}`
    : `${where}${since}${m.pid ? ` (pid ${m.pid})` : ''}`
}
