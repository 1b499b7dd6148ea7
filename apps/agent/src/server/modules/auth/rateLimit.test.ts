import { describe, expect, it } from 'vitest'
import { FailureLimiter } from './rateLimit.ts'

describe('FailureLimiter', () => {
  it('refuses after 10 failures in 15 minutes until the oldest leaves the window', () => {
    let now = 1_000_000
    const limiter = new FailureLimiter({ now: () => now })
    for (let i = 0; i < 9; i++) {
      limiter.fail(['ip:a', 'user:x'])
      now += 1000
    }
    expect(limiter.retryAfter(['ip:a', 'user:x'])).toBe(0)
    limiter.fail(['ip:a', 'user:x'])
    const wait = limiter.retryAfter(['ip:a'])
    expect(wait).toBe(15 * 60 - 9)
    expect(limiter.retryAfter(['user:x'])).toBe(wait)
    expect(limiter.retryAfter(['ip:b', 'user:y'])).toBe(0)
    now += wait * 1000
    expect(limiter.retryAfter(['ip:a'])).toBe(0)
    limiter.fail(['ip:a'])
    expect(limiter.retryAfter(['ip:a'])).toBeGreaterThan(0)
  })

  it('forgets a key on clear and bounds how many keys it keeps', () => {
    const limiter = new FailureLimiter({ max: 1, maxKeys: 2 })
    limiter.fail(['a'])
    expect(limiter.retryAfter(['a'])).toBeGreaterThan(0)
    limiter.clear(['a'])
    expect(limiter.retryAfter(['a'])).toBe(0)
    limiter.fail(['b'])
    limiter.fail(['c'])
    limiter.fail(['d'])
    expect(limiter.retryAfter(['b'])).toBe(0)
    expect(limiter.retryAfter(['d'])).toBeGreaterThan(0)
  })
})
