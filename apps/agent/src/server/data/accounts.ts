/**
 * Accounts: name, role, argon2id password hash, and bearer tokens (stored as HMACs), in
 * DATA/accounts.json. Shared by the agent and `layerdeck user ...` (another process): the agent
 * re-reads the file whenever it changed on disk. `generation` moves on every password change or
 * removal, which ends that account's sessions.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { statSync } from 'node:fs'
import { hash, verify } from '@node-rs/argon2'
import type { Role } from '@layerdeck/api'
import { readIfExists, writeAtomic, type DataFiles } from './dataDir.ts'

export interface TokenRecord {
  id: string
  /** HMAC-SHA256 of the whole token under the agent's secret (hex). */
  hmac: string
  createdAt: number
}

export interface Account {
  name: string
  role: Role
  hash: string
  createdAt: number
  updatedAt: number
  generation: number
  tokens: TokenRecord[]
}

interface AccountsFile {
  version: 1
  accounts: Account[]
}

/** argon2id (algorithm 2), the library's defaults otherwise (m=19 MiB, t=2, p=1). */
export const hashPassword = (password: string): Promise<string> => hash(password, { algorithm: 2 })
export const verifyPassword = (stored: string, password: string): Promise<boolean> => verify(stored, password).catch(() => false)

/** A hash of a password nobody has: verified against when an account does not exist (same cost). */
let dummyHash: Promise<string> | undefined
export const dummyVerify = async (password: string): Promise<void> => {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  await verifyPassword(await dummyHash, password)
}

export class Accounts {
  readonly #files: DataFiles
  readonly #secret: Buffer
  #cache: { mtimeMs: number; size: number; list: Account[] } | undefined

  constructor(files: DataFiles, secret: Buffer) {
    this.#files = files
    this.#secret = secret
  }

  list(): Account[] {
    let stat
    try {
      stat = statSync(this.#files.accounts)
    } catch {
      return []
    }
    if (this.#cache?.mtimeMs === stat.mtimeMs && this.#cache.size === stat.size) return this.#cache.list
    const text = readIfExists(this.#files.accounts)
    const list = text === undefined ? [] : (JSON.parse(text) as AccountsFile).accounts
    this.#cache = { mtimeMs: stat.mtimeMs, size: stat.size, list }
    return list
  }

  find(name: string): Account | undefined {
    return this.list().find((a) => a.name === name)
  }

  hasAdmin(): boolean {
    return this.list().some((a) => a.role === 'admin')
  }

  #save(list: Account[]): void {
    writeAtomic(this.#files.accounts, `${JSON.stringify({ version: 1, accounts: list } satisfies AccountsFile, null, 2)}\n`)
    this.#cache = undefined
  }

  async add(name: string, role: Role, password: string): Promise<Account> {
    if (this.find(name) !== undefined) throw new Error(`account ${name} already exists: use 'layerdeck user passwd ${name}' to change its password`)
    const now = Date.now()
    const account: Account = { name, role, hash: await hashPassword(password), createdAt: now, updatedAt: now, generation: 1, tokens: [] }
    this.#save([...this.list(), account])
    return account
  }

  async setPassword(name: string, password: string): Promise<void> {
    const hashed = await hashPassword(password)
    this.#update(name, (a) => ({ ...a, hash: hashed, updatedAt: Date.now(), generation: a.generation + 1 }))
  }

  remove(name: string): void {
    this.#require(name)
    this.#save(this.list().filter((a) => a.name !== name))
  }

  /** A new bearer token for the account: `ld_<id>_<secret>`, shown once. */
  addToken(name: string): { id: string; token: string } {
    const id = randomBytes(6).toString('hex')
    const token = `ld_${id}_${randomBytes(24).toString('base64url')}`
    const record: TokenRecord = { id, hmac: this.#hmac(token), createdAt: Date.now() }
    this.#update(name, (a) => ({ ...a, tokens: [...a.tokens, record] }))
    return { id, token }
  }

  /** Revokes one token (by id) or all ('all'); returns how many went. */
  revokeTokens(name: string, id: string): number {
    const account = this.#require(name)
    const keep = id === 'all' ? [] : account.tokens.filter((t) => t.id !== id)
    const gone = account.tokens.length - keep.length
    if (gone === 0) throw new Error(`account ${name} has no token ${id} ('layerdeck user token ${name} --list' shows them)`)
    this.#update(name, (a) => ({ ...a, tokens: keep }))
    return gone
  }

  /** The account a bearer token belongs to, if it is valid. */
  byToken(token: string): Account | undefined {
    const m = /^ld_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(token)
    if (m === null) return undefined
    const want = Buffer.from(this.#hmac(token), 'hex')
    for (const account of this.list()) {
      const record = account.tokens.find((t) => t.id === m[1])
      if (record !== undefined && timingSafeEqual(Buffer.from(record.hmac, 'hex'), want)) return account
    }
    return undefined
  }

  #hmac(value: string): string {
    return createHmac('sha256', this.#secret).update(value).digest('hex')
  }

  #require(name: string): Account {
    const account = this.find(name)
    if (account === undefined) throw new Error(`no account ${name} ('layerdeck user list' shows them)`)
    return account
  }

  #update(name: string, fn: (a: Account) => Account): void {
    this.#require(name)
    this.#save(this.list().map((a) => (a.name === name ? fn(a) : a)))
  }
}
