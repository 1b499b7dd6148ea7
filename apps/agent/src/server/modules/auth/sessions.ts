/**
 * Browser sessions, held by the agent (so signing out ends them there): a random id in an
 * HttpOnly, SameSite=Strict cookie; the agent keeps only its HMAC, with the account's
 * generation (a password change or removal ends the sessions), the last use (idle timeout) and
 * the start (absolute limit). Kept in DATA/sessions.json too, so a restarted agent (kill -9
 * included) keeps its users signed in.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { readIfExists, writeAtomic } from '../../data/dataDir.ts'

export interface Session {
  user: string
  generation: number
  createdAt: number
  lastSeen: number
}

export interface SessionOptions {
  file: string
  secret: Buffer
  idleMs: number
  maxMs: number
  /** At most this many sessions are kept; the least recently used go first. */
  maxSessions?: number
  now?: () => number
}

const SAVE_EVERY_MS = 60_000

export class Sessions {
  readonly #o: Required<SessionOptions>
  readonly #map = new Map<string, Session>()
  #dirty = false
  #lastSave = 0

  constructor(options: SessionOptions) {
    this.#o = { maxSessions: 10_000, now: Date.now, ...options }
    const text = readIfExists(this.#o.file)
    if (text !== undefined) {
      try {
        for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, Session>)) this.#map.set(k, v)
      } catch {
        // a damaged file signs everyone out, nothing worse
      }
    }
  }

  #key(id: string): string {
    return createHmac('sha256', this.#o.secret).update(id).digest('hex')
  }

  create(user: string, generation: number): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url')
    const now = this.#o.now()
    const session = { user, generation, createdAt: now, lastSeen: now }
    this.#map.set(this.#key(id), session)
    while (this.#map.size > this.#o.maxSessions) this.#map.delete(this.#map.keys().next().value as string)
    this.#save(true)
    return { id, session }
  }

  /** The live session of a cookie value (its last use moves), or undefined. */
  touch(id: string): Session | undefined {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined
    const key = this.#key(id)
    const s = this.#map.get(key)
    if (s === undefined) return undefined
    const now = this.#o.now()
    if (now - s.lastSeen > this.#o.idleMs || now - s.createdAt > this.#o.maxMs) {
      this.#map.delete(key)
      this.#save(true)
      return undefined
    }
    s.lastSeen = now
    this.#map.delete(key)
    this.#map.set(key, s) // most recently used last
    this.#dirty = true
    this.#save(false)
    return s
  }

  end(id: string): void {
    if (this.#map.delete(this.#key(id))) this.#save(true)
  }

  idleExpiresAt(s: Session): number {
    return Math.min(s.lastSeen + this.#o.idleMs, s.createdAt + this.#o.maxMs)
  }

  get size(): number {
    return this.#map.size
  }

  /** Writes the sessions now when they changed (and at most once a minute for last-use updates). */
  #save(now: boolean): void {
    const t = this.#o.now()
    if (!now && (!this.#dirty || t - this.#lastSave < SAVE_EVERY_MS)) return
    try {
      writeAtomic(this.#o.file, JSON.stringify(Object.fromEntries(this.#map)))
      this.#dirty = false
      this.#lastSave = t
    } catch {
      // a full storage must not sign people out of the agent that would help free it
    }
  }

  flush(): void {
    if (this.#dirty) this.#save(true)
  }
}
