/**
 * What a restore keeps in memory, and the limits a hostile archive meets: the checking pass keeps
 * no xattr values (only a digest per entry, which the plan compares), total xattr bytes, name
 * bytes and entry counts are capped with refusals that name the flag raising them, and
 * trusted.overlay.redirect values that could point outside the layer are refused.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashTree, tempDir } from '@layerdeck/testkit'
import { DEFAULT_LIMITS } from './archiveValidator.ts'
import { restoreBackup } from './restoreBackup.ts'
import { scanArchive } from './scanArchive.ts'
import { TYPE } from './tarHeader.ts'
import { writeArchive, type TestEntry } from './testArchive.ts'

let tmp: { path: string; cleanup(): void }
let storage: string
beforeEach(() => {
  tmp = tempDir('layerdeck-limits-')
  storage = `${tmp.path}/storage`
  mkdirSync(`${storage}/upper/d`, { recursive: true })
  mkdirSync(`${storage}/work`)
  writeFileSync(`${storage}/upper/d/f0`, '')
})
afterEach(() => tmp.cleanup())

const xattr = (name: string, value: Buffer | string): [string, Buffer] => [`SCHILY.xattr.${name}`, Buffer.from(value)]
const withXattrs = (n: number, size: number): TestEntry[] => [
  { path: 'd/', type: TYPE.dir, mode: 0o755 },
  ...Array.from({ length: n }, (_, k) => ({
    path: `d/f${k}`,
    data: '',
    pax: Array.from({ length: 4 }, (_, j) => xattr(`user.a${j}`, Buffer.alloc(size, 97 + j))),
  })),
]
const archive = (name: string, entries: TestEntry[]): string => writeArchive(`${tmp.path}/${name}.tar.gz`, entries)

describe('restore memory and limits', () => {
  it('the checking pass keeps a digest per entry, no xattr values', async () => {
    const file = archive('x', withXattrs(20, 10_000))
    const scan = await scanArchive(file, DEFAULT_LIMITS)
    const entry = scan.validator.entries.get('d/f3')
    expect(entry?.xattrs).toEqual([])
    expect(entry?.xattrDigest).toMatch(/^[0-9a-f]{64}$/)
    expect([...scan.validator.entries.values()].every((e) => e.xattrs.length === 0)).toBe(true)
  })

  it('the plan still tells entries apart by their xattrs, and a restore writes them', async () => {
    const file = archive('x', withXattrs(2, 100))
    const dry = await restoreBackup({ storage, file, dryRun: true })
    expect(dry.plan.replaced.map((i) => i.path)).toEqual(['/d/f0'])
    expect(dry.plan.added.map((i) => i.path)).toEqual(['/d/f1'])
    await restoreBackup({ storage, file, replace: true })
    const value = execFileSync('getfattr', ['--only-values', '-n', 'user.a2', `${storage}/upper/d/f1`]).toString()
    expect(value).toBe('c'.repeat(100))
    const again = await restoreBackup({ storage, file, dryRun: true })
    expect(again.plan.replaced).toEqual([])
    expect(again.plan.unchanged).toBe(4) // ., d, f0, f1
  })

  const refusals: Array<[string, () => string, RegExp, Record<string, number>]> = [
    ['too many xattr bytes', () => archive('xb', withXattrs(10, 60_000)), /extended attributes take more than 1000000 bytes \(the maxXattrBytes limit; raise it with --max-xattr-bytes\)/, { maxXattrBytes: 1_000_000 }],
    ['too many name bytes', () => archive('nb', withXattrs(50, 1)), /names and link targets take more than 200 bytes \(the maxNameBytes limit; raise it with --max-name-bytes\)/, { maxNameBytes: 200 }],
    ['too many entries', () => archive('ne', withXattrs(10, 1)), /more than 5 entries \(the maxEntries limit; raise it with --max-entries\)/, { maxEntries: 5 }],
  ]
  it.each(refusals)('refuses %s, naming the limit and its flag; nothing changes', async (_name, build, message, limits) => {
    const before = await hashTree(storage)
    await expect(restoreBackup({ storage, file: build(), dryRun: true, limits })).rejects.toThrow(message)
    expect(await hashTree(storage)).toBe(before)
  })
})

describe('trusted.overlay.redirect in an archive', () => {
  const redirect = (value: string): TestEntry[] => [{ path: 'x/', type: TYPE.dir, mode: 0o755, pax: [xattr('trusted.overlay.redirect', value)] }]
  const bad: Array<[string, RegExp]> = [
    ['/../../../../tmp/x', /has a '\.\.' component/],
    ['../etc', /relative path with more than one name/],
    ['..', /has a '\.\.' component/],
    ['/a//b', /empty path component/],
    ['/a/./b', /has a '\.' component/],
    ['/a/', /empty path component/],
    ['/a\0/b', /NUL byte/],
    ['', /is empty/],
  ]
  it.each(bad)('refuses %j; nothing changes', async (value, message) => {
    const before = await hashTree(storage)
    const file = archive('r', redirect(value))
    await expect(restoreBackup({ storage, file, dryRun: true })).rejects.toThrow(message)
    await expect(restoreBackup({ storage, file, replace: true })).rejects.toThrow(/could point outside the layer.*nothing was changed/)
    expect(await hashTree(storage)).toBe(before)
  })

  it.each(['/etc/old', 'old-name'])('accepts %j (absolute from the layer root, or one name)', async (value) => {
    const result = await restoreBackup({ storage, file: archive('ok', redirect(value)), replace: true })
    expect(result.applied).toBe(true)
    const got = execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.redirect', `${storage}/upper/x`]).toString()
    expect(got).toBe(value)
  })
})
