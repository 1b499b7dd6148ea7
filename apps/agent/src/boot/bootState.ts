/** The boot state the init script records (key=value lines) and how to read it. */

export const BOOT_STATE_FILE = '/run/layerdeck/state'

export type BootStateName = 'starting' | 'running' | 'degraded' | 'fallback' | 'disabled'

export interface BootState {
  state: BootStateName | 'unknown'
  /** A stable code for what went wrong (storage-corrupt, storage-missing, daemon-failed...). */
  reason: string
  message: string
  storageKind: string
  storage: string
  storageFreeKb: number | null
  base: string
  root: string
  daemonPid: number | null
  uptime: string
}

const STATES = new Set<string>(['starting', 'running', 'degraded', 'fallback', 'disabled'])

export function parseBootState(text: string): BootState {
  const fields = new Map<string, string>()
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1))
  }
  const get = (key: string): string => fields.get(key) ?? ''
  const num = (key: string): number | null => (/^[0-9]+$/.test(get(key)) ? Number(get(key)) : null)
  const state = get('state')
  return {
    state: STATES.has(state) ? (state as BootStateName) : 'unknown',
    reason: get('reason'),
    message: get('message'),
    storageKind: get('storage_kind'),
    storage: get('storage'),
    storageFreeKb: num('storage_free_kb'),
    base: get('base'),
    root: get('root'),
    daemonPid: num('daemon_pid'),
    uptime: get('uptime'),
  }
}

/** One line per fact, for the console. */
export function describeBootState(s: BootState): string {
  const lines = [`state: ${s.state}${s.reason === '' ? '' : ` (${s.reason})`}`]
  if (s.message !== '') lines.push(`message: ${s.message}`)
  if (s.storage !== '')
    lines.push(
      `storage: ${s.storage} (${s.storageKind})${s.storageFreeKb === null ? '' : `, ${s.storageFreeKb} KiB free`}`,
    )
  if (s.state === 'running' || s.state === 'degraded')
    lines.push(`overlay: ${s.base} + storage, served by pid ${s.daemonPid ?? '?'} at ${s.root}`)
  return `${lines.join('\n')}\n`
}
