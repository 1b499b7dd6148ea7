/** The boot state the init script records (key=value lines) and how to read it. */
import { displayPath } from '@layerdeck/core'

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
/** The keys the init script writes, each once, one `key=value` per line. */
const KEYS = new Set<string>(['state', 'reason', 'message', 'storage_kind', 'storage', 'storage_free_kb', 'base', 'root', 'daemon_pid', 'uptime'])

/**
 * Reads the state file strictly: a line that is not `key=value` with a known key, or a key
 * written twice, makes the whole file untrusted (state unknown, reason corrupt-state): a value
 * that smuggled in a second `state=running` line must never be believed.
 */
export function parseBootState(text: string): BootState {
  const fields = new Map<string, string>()
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n')
  for (const [i, line] of lines.entries()) {
    const eq = line.indexOf('=')
    const key = eq > 0 ? line.slice(0, eq) : ''
    const problem = !KEYS.has(key) ? `line ${i + 1} is not one the init script writes` : fields.has(key) ? `${key} is written twice` : undefined
    if (problem !== undefined) return corrupt(problem)
    fields.set(key, line.slice(eq + 1))
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

function corrupt(problem: string): BootState {
  return {
    state: 'unknown',
    reason: 'corrupt-state',
    message: `the boot state file is damaged or was tampered with (${problem}): trust none of it`,
    storageKind: '',
    storage: '',
    storageFreeKb: null,
    base: '',
    root: '',
    daemonPid: null,
    uptime: '',
  }
}

/** One line per fact, for the console. */
export function describeBootState(s: BootState): string {
  const lines = [`state: ${s.state}${s.reason === '' ? '' : ` (${s.reason})`}`]
  if (s.message !== '') lines.push(`message: ${displayPath(s.message)}`)
  if (s.storage !== '')
    lines.push(
      `storage: ${displayPath(s.storage)} (${displayPath(s.storageKind)})${s.storageFreeKb === null ? '' : `, ${s.storageFreeKb} KiB free`}`,
    )
  if (s.state === 'running' || s.state === 'degraded')
    lines.push(`overlay: ${displayPath(s.base)} + storage, served by pid ${s.daemonPid ?? '?'} at ${displayPath(s.root)}`)
  return `${lines.join('\n')}\n`
}
