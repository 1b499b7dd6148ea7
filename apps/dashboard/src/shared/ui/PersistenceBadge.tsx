import type { Device } from '@layerdeck/api'
import s from './ui.module.css'

interface Persistence {
  label: string
  detail: string
  tone: 'ok' | 'warn' | 'error' | 'info'
}

export function persistenceOf(device: Device | undefined, reachable: boolean): Persistence {
  if (!reachable)
    return {
      label: 'Device unreachable',
      detail: 'The agent does not answer; retrying.',
      tone: 'error',
    }
  if (!device) return { label: 'Checking storage…', detail: '', tone: 'info' }
  if (device.mount.state === 'gone' || device.storage.kind === 'missing')
    return {
      label: 'Mount gone',
      detail: 'No daemon serves the storage: read-only until it is back.',
      tone: 'error',
    }
  if (device.mount.state === 'kernel' || device.storage.kind === 'kernel')
    return {
      label: 'Kernel-mounted: actions at next boot',
      detail: 'Read-only here; reverts and resets apply at the next boot.',
      tone: 'info',
    }
  if (device.storage.kind === 'ram')
    return {
      label: 'RAM only: changes vanish at reboot',
      detail: `Storage on ${device.storage.filesystem ?? 'tmpfs'}.`,
      tone: 'warn',
    }
  return {
    label: 'Persistent storage',
    detail: `Changes survive a reboot (${device.storage.filesystem ?? 'disk'}).`,
    tone: 'ok',
  }
}

/** Always visible in the header: whether what is changed here survives a reboot. */
export function PersistenceBadge({
  device,
  reachable,
}: {
  device: Device | undefined
  reachable: boolean
}) {
  const p = persistenceOf(device, reachable)
  return (
    <span
      className={`${s.persistence} ${s[p.tone]}`}
      title={p.detail}
      role="status"
      aria-live="polite"
    >
      <span aria-hidden="true">
        {p.tone === 'ok' ? '●' : p.tone === 'warn' ? '▲' : p.tone === 'error' ? '■' : '◆'}
      </span>
      <span>{p.label}</span>
    </span>
  )
}
