/** Numbers, sizes, times and modes as a technician reads them. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${value.toFixed(digits)} ${UNITS[unit]}`
}

export const formatCount = (n: number): string => n.toLocaleString('en-US')

export function formatTime(ms: number): string {
  const date = new Date(ms)
  const sameDay = new Date().toDateString() === date.toDateString()
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : date.toLocaleString([], {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      })
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s` : ''}`.trim()
  const h = Math.floor(s / 3600)
  if (h < 48) return `${h} h ${Math.floor((s % 3600) / 60)} min`
  return `${Math.floor(h / 24)} days`
}

const RWX = ['---', '--x', '-w-', '-wx', 'r--', 'r-x', 'rw-', 'rwx']

/** 0o100644 -> 'rw-r--r-- (0644)'; the type bits are dropped. */
export function formatMode(mode: number): string {
  const perms = mode & 0o7777
  const text = [6, 3, 0].map((shift) => RWX[(perms >> shift) & 7]).join('')
  return `${text} (${perms.toString(8).padStart(4, '0')})`
}

export function formatField(field: string, value: string | number): string {
  if (field === 'mode' && typeof value === 'number') return formatMode(value)
  if (field === 'mtime' && typeof value === 'number') return formatTime(value)
  return String(value)
}
