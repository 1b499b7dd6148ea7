/** Exact timestamps of a stat, and conversions from milliseconds. */
import type { FileStat, Timestamp } from './sys.ts'

export const atimeOf = (s: FileStat): Timestamp => ({ sec: s.atimeSec, nsec: s.atimeNsec })
export const mtimeOf = (s: FileStat): Timestamp => ({ sec: s.mtimeSec, nsec: s.mtimeNsec })

export function fromMs(ms: number): Timestamp {
  const sec = Math.floor(ms / 1000)
  return { sec, nsec: Math.min(999_999_999, Math.max(0, Math.round((ms - sec * 1000) * 1e6))) }
}

export function toMs(t: Timestamp): number {
  return t.sec * 1000 + t.nsec / 1e6
}
