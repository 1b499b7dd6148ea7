/**
 * socketDir.ts on real temp dirs: the daemon's directory check (create 0700, tighten its own,
 * refuse another user's or a link) and the client's check (a socket another user planted is
 * never trusted).
 */
import { chmodSync, chownSync, mkdirSync, statSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '@layerdeck/testkit'
import { secureSocketDir, trustedSocket } from './socketDir.ts'

const NOBODY = 65534
const temps: Array<{ cleanup(): void }> = []
const fresh = (): string => {
  const t = tempDir()
  temps.push(t)
  return t.path
}
afterEach(() => temps.splice(0).forEach((t) => t.cleanup()))
const mode = (p: string): number => statSync(p).mode & 0o777

describe('secureSocketDir', () => {
  it('creates a missing directory 0700', () => {
    const dir = `${fresh()}/run`
    expect(secureSocketDir(dir)).toBeUndefined()
    expect(mode(dir)).toBe(0o700)
  })

  it('tightens its own directory and says so', () => {
    const dir = `${fresh()}/run`
    mkdirSync(dir)
    chmodSync(dir, 0o777)
    expect(secureSocketDir(dir)).toMatch(/run was mode 0777: made it 0700/)
    expect(mode(dir)).toBe(0o700)
  })

  it("refuses another user's directory and a symlink, and changes neither", () => {
    const root = fresh()
    const theirs = `${root}/theirs`
    mkdirSync(theirs)
    chmodSync(theirs, 0o755)
    chownSync(theirs, NOBODY, NOBODY)
    expect(() => secureSocketDir(theirs)).toThrow(/owned by uid 65534, not root: .*remove it/)
    expect(mode(theirs)).toBe(0o755)
    const link = `${root}/link`
    symlinkSync(theirs, link)
    expect(() => secureSocketDir(link)).toThrow(/is a symbolic link: remove it/)
    expect(statSync(theirs).uid).toBe(NOBODY)
  })
})

describe('trustedSocket', () => {
  const listen = (path: string): Promise<ReturnType<typeof createServer>> =>
    new Promise((resolve) => {
      const server = createServer()
      server.listen(path, () => resolve(server))
    })

  it('trusts its own socket in its own directory; no socket is simply absent', async () => {
    const dir = `${fresh()}/run`
    mkdirSync(dir, { mode: 0o700 })
    expect(trustedSocket(`${dir}/x.sock`)).toBe(false)
    expect(trustedSocket(`${fresh()}/missing/x.sock`)).toBe(false)
    const server = await listen(`${dir}/x.sock`)
    try {
      expect(trustedSocket(`${dir}/x.sock`)).toBe(true)
    } finally {
      server.close()
    }
  })

  it('refuses a socket another user planted, and a directory others can write', async () => {
    const dir = `${fresh()}/run`
    mkdirSync(dir, { mode: 0o700 })
    const server = await listen(`${dir}/x.sock`)
    try {
      chownSync(`${dir}/x.sock`, NOBODY, NOBODY)
      expect(() => trustedSocket(`${dir}/x.sock`)).toThrow(/not a socket made by root: someone else put it there/)
      chownSync(`${dir}/x.sock`, 0, 0)
      chmodSync(dir, 0o1777)
      expect(() => trustedSocket(`${dir}/x.sock`)).toThrow(/writable by other users/)
    } finally {
      server.close()
    }
  })
})
