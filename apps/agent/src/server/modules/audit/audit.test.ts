import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterEach, describe, expect, it } from 'vitest'
import { AuditLog } from './audit.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const entry = (action: 'revert' | 'login', paths: string[] = []) =>
  ({ user: 'ann', role: 'admin', via: 'cookie', address: '127.0.0.1', action, paths, dryRun: false, result: 'ok', status: 200, problem: null, message: null }) as const

describe('AuditLog', () => {
  it('pages newest first, across a rotation, and keeps counting after a restart', () => {
    const dir = mkdtempSync(`${tmpdir()}/audit-`)
    dirs.push(dir)
    const file = `${dir}/audit.log`
    const log = new AuditLog(file, 2000)
    for (let i = 0; i < 40; i++) log.record(entry('revert', [`/etc/f${i}`]))
    const first = log.page(15, 0)
    expect(first.entries.map((e) => e.id)).toEqual(Array.from({ length: 15 }, (_, i) => 40 - i))
    expect(first.next).toBe(26)
    const second = log.page(15, first.next!)
    expect(second.entries[0]!.id).toBe(25)
    expect(second.entries[0]!.paths).toEqual(['/etc/f24'])
    const again = new AuditLog(file, 2000)
    expect(again.record(entry('login')).id).toBe(41)
  })
})
