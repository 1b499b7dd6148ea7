import { useCallback, useEffect, useState } from 'react'
import { ApiError } from '../../shared/api/http.ts'

export interface Throttle {
  /** When attempts are allowed again (ms since the epoch), or null. */
  until: number | null
  secondsLeft: number
  /** Feed it a failed attempt's error: a 429 starts the countdown. */
  note: (error: unknown) => void
}

/**
 * After a 429 the agent refuses every attempt (the right password too) until the window ends:
 * this counts down to that moment so the form can say when to try again.
 */
export function useThrottle(): Throttle {
  const [until, setUntil] = useState<number | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const note = useCallback((error: unknown) => {
    if (error instanceof ApiError && error.problem === 'rate-limited') {
      const start = Date.now()
      setNow(start)
      setUntil(start + (error.retryAfter ?? 60) * 1000)
    }
  }, [])
  useEffect(() => {
    if (until === null) return
    const timer = setInterval(() => {
      const t = Date.now()
      setNow(t)
      if (t >= until) setUntil(null)
    }, 1000)
    return () => clearInterval(timer)
  }, [until])
  const secondsLeft = until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000))
  return { until: secondsLeft > 0 ? until : null, secondsLeft, note }
}

export function throttleText(until: number, secondsLeft: number): string {
  const at = new Date(until).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })
  const left = secondsLeft >= 60 ? `${Math.ceil(secondsLeft / 60)} min` : `${secondsLeft} s`
  return `Too many failed sign-ins. Try again at ${at} (in ${left}).`
}
