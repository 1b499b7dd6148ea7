/**
 * Login throttle: at most `max` failures within `windowMs` per key (an address, an account);
 * past that every attempt is refused, the right password included, until the oldest failure
 * in the window is older than the window. In memory (one process), bounded.
 */
export interface LimiterOptions {
  max?: number
  windowMs?: number
  /** Keys kept at most; the oldest go first. */
  maxKeys?: number
  now?: () => number
}

export class FailureLimiter {
  readonly max: number
  readonly windowMs: number
  readonly #maxKeys: number
  readonly #now: () => number
  readonly #failures = new Map<string, number[]>()

  constructor(options: LimiterOptions = {}) {
    this.max = options.max ?? 10
    this.windowMs = options.windowMs ?? 15 * 60_000
    this.#maxKeys = options.maxKeys ?? 100_000
    this.#now = options.now ?? Date.now
  }

  #recent(key: string, now: number): number[] {
    const list = (this.#failures.get(key) ?? []).filter((t) => now - t < this.windowMs)
    if (list.length === 0) this.#failures.delete(key)
    else this.#failures.set(key, list)
    return list
  }

  /** Seconds until an attempt is allowed for all these keys (0: allowed now). */
  retryAfter(keys: string[]): number {
    const now = this.#now()
    let wait = 0
    for (const key of keys) {
      const list = this.#recent(key, now)
      if (list.length < this.max) continue
      const oldest = list[list.length - this.max] as number
      wait = Math.max(wait, Math.ceil((oldest + this.windowMs - now) / 1000))
    }
    return wait
  }

  fail(keys: string[]): void {
    const now = this.#now()
    for (const key of keys) {
      const list = this.#recent(key, now)
      list.push(now)
      this.#failures.delete(key)
      this.#failures.set(key, list.slice(-this.max))
    }
    while (this.#failures.size > this.#maxKeys) this.#failures.delete(this.#failures.keys().next().value as string)
  }

  clear(keys: string[]): void {
    for (const key of keys) this.#failures.delete(key)
  }
}
