/**
 * First run: nobody is let in by default. While no admin exists the agent keeps a one-time
 * setup token in DATA/setup-token (0600) and prints it on its console; POST /api/setup needs
 * it to create the first admin. Once an admin exists (from the dashboard or `layerdeck user
 * add`), the token is gone.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { unlinkSync } from 'node:fs'
import { readIfExists, writeAtomic } from '../../data/dataDir.ts'

export class SetupToken {
  readonly #file: string

  constructor(file: string) {
    this.#file = file
  }

  /** The token (made once, kept across restarts until used). */
  ensure(): string {
    const existing = readIfExists(this.#file)?.trim()
    if (existing !== undefined && existing.length >= 16) return existing
    const token = randomBytes(18).toString('base64url')
    writeAtomic(this.#file, `${token}\n`)
    return token
  }

  matches(candidate: string): boolean {
    const token = readIfExists(this.#file)?.trim()
    if (token === undefined) return false
    const a = Buffer.from(token)
    const b = Buffer.from(candidate)
    return a.length === b.length && timingSafeEqual(a, b)
  }

  consume(): void {
    try {
      unlinkSync(this.#file)
    } catch {
      // already gone
    }
  }
}
