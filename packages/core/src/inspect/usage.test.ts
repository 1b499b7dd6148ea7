import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { copyUpFits, storageUsage } from './usage.ts'
import { makeTestStorage, type TestStorage } from './testStorage.ts'

describe('storageUsage', () => {
  let t: TestStorage
  beforeEach(() => (t = makeTestStorage()))
  afterEach(() => t.cleanup())

  it('counts bytes per top-level folder, largest files and changes by kind', () => {
    t.baseFile('etc/hosts', 'x')
    t.upperFile('etc/hosts', Buffer.alloc(64 * 1024, 1))
    t.upperFile('var/log/big', Buffer.alloc(256 * 1024, 2))
    t.whiteout('etc/motd')
    const u = storageUsage({
      sys: createNodeSys(),
      paths: storagePaths(t.storage),
      base: t.base,
      top: 2,
    })
    expect(u.byFolder.map((f) => f.folder)).toEqual(['/var', '/etc'])
    expect(u.byFolder[0]!.bytes).toBeGreaterThanOrEqual(256 * 1024)
    expect(u.largest.map((f) => [f.path, f.size])).toEqual([
      ['/var/log/big', 256 * 1024],
      ['/etc/hosts', 64 * 1024],
    ])
    expect(u.held).toBeGreaterThanOrEqual(320 * 1024)
    expect(u.resetFrees).toBe(u.held)
    expect(u.changes).toMatchObject({ added: 3, modified: 1, deleted: 1 })
    expect(u.filesystem.size).toBeGreaterThan(0)
  })

  it('warns at 80 % and 95 %', () => {
    const fake = (usedPercent: number): Sys => ({
      ...createNodeSys(),
      statfs: () => ({
        bsize: 4096,
        blocks: 100,
        bfree: 100 - usedPercent,
        bavail: 100 - usedPercent,
        files: 1,
        ffree: 1,
      }),
    })
    const paths = storagePaths(t.storage)
    expect(storageUsage({ sys: fake(50), paths }).warnings).toEqual([])
    expect(storageUsage({ sys: fake(85), paths }).warnings).toEqual(['storage is 85% full'])
    expect(storageUsage({ sys: fake(96), paths }).warnings[0]).toMatch(
      /96% full: writes and copy-ups will soon fail/,
    )
  })

  it('says whether a copy-up fits', () => {
    t.baseFile('big.img', Buffer.alloc(3 << 20))
    t.baseFile('small', 'x')
    const sys = createNodeSys()
    const tiny: Sys = {
      ...sys,
      statfs: () => ({ bsize: 4096, blocks: 1000, bfree: 500, bavail: 500, files: 1, ffree: 1 }),
    }
    const paths = storagePaths(t.storage)
    expect(copyUpFits(tiny, paths, t.base, '/big.img')).toMatchObject({
      fits: false,
      needs: 3 << 20,
      available: 500 * 4096,
    })
    expect(copyUpFits(tiny, paths, t.base, '/small')).toMatchObject({ fits: true, needs: 1 })
    expect(() => copyUpFits(sys, paths, t.base, '/missing')).toThrow(/ENOENT/)
  })
})
