import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { listChanges } from '../inspect/changes.ts'
import { makeTestStorage, type TestStorage } from '../inspect/testStorage.ts'
import { openStorageContext } from './context.ts'
import { recoverStorage } from './recover.ts'
import { autoPurge, purgeResets, resetStorage, undoReset, undoStates } from './reset.ts'

/** A Sys that "crashes" at its n-th mutating call: that call and every later one fail. */
function crashingSys(n: number): { sys: Sys; calls: () => number } {
  const real = createNodeSys()
  let count = 0
  const mutating = new Set([
    'rename',
    'unlink',
    'rmdir',
    'mkdir',
    'link',
    'symlink',
    'copyFile',
    'setXattr',
    'removeXattr',
    'mknod',
    'write',
    'fsync',
  ])
  const sys = Object.fromEntries(
    Object.entries(real).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        if (mutating.has(name)) count += 1
        if (count >= n) throw Object.assign(new Error('EIO: simulated crash'), { code: 'EIO' })
        return (fn as (...a: unknown[]) => unknown)(...args)
      },
    ]),
  ) as unknown as Sys
  return { sys, calls: () => count }
}

describe('reset', () => {
  let t: TestStorage
  const sys = createNodeSys()
  const paths = () => storagePaths(t.storage)
  const states = () =>
    listChanges({ sys, paths: paths(), base: t.base }).map((c) => `${c.path} ${c.state}`)
  beforeEach(() => {
    t = makeTestStorage()
    t.baseFile('etc/hosts', 'base\n')
    t.baseFile('etc/motd', 'hi\n')
    t.baseFile('etc/config/network', 'base-net\n')
    t.upperFile('etc/hosts', 'changed\n')
    t.upperFile('etc/config/network', 'lan=10.0.0.1\n')
    t.upperFile('etc/config/admin', 'secret\n')
    t.upperFile('.profile', 'x\n')
    t.whiteout('etc/motd')
    openStorageContext(sys, t.storage, t.base)
  })
  afterEach(() => t.cleanup())

  it('dry run lists what goes and changes nothing', () => {
    const r = resetStorage(sys, paths(), {
      keep: ['/etc/config/network'],
      base: t.base,
      dryRun: true,
    })
    expect(r.goes!.map((c) => c.path)).toEqual([
      '/.profile',
      '/etc/config/admin',
      '/etc/hosts',
      '/etc/motd',
    ])
    expect(r.frees).toBeGreaterThan(0)
    expect(states()).toHaveLength(5)
  })

  it('resets everything but the kept paths, dotfiles included; undo brings it back; purge frees it', () => {
    const r = resetStorage(sys, paths(), { keep: ['/etc/config/network', '/etc/nothing'] })
    expect(r.kept).toEqual(['/etc/config/network'])
    expect(r.notInStorage).toEqual(['/etc/nothing'])
    expect(states()).toEqual(['/etc/config/network modified'])
    expect(readFileSync(`${t.upper}/etc/config/network`, 'utf8')).toBe('lan=10.0.0.1\n')
    expect(undoStates(sys, paths())).toHaveLength(1)
    undoReset(sys, paths())
    expect(states()).toHaveLength(5)
    undoReset(sys, paths()) // a second undo redoes the reset
    expect(states()).toEqual(['/etc/config/network modified'])
    expect(purgeResets(sys, paths())).toBeGreaterThan(0)
    expect(undoStates(sys, paths())).toEqual([])
    expect(() => undoReset(sys, paths())).toThrow(/nothing to undo/)
  })

  it('keeps one undo state: the state before the last reset', () => {
    resetStorage(sys, paths(), { now: 1 })
    t.upperFile('after', 'y')
    resetStorage(sys, paths(), { now: 2 })
    expect(undoStates(sys, paths())).toEqual(['reset-undo-2'])
    undoReset(sys, paths())
    expect(states()).toEqual(['/after added'])
  })

  it('purges the undo state on its own when the storage is nearly full', () => {
    resetStorage(sys, paths())
    const full: Sys = {
      ...sys,
      statfs: () => ({ bsize: 4096, blocks: 100, bfree: 5, bavail: 5, files: 1, ffree: 1 }),
    }
    expect(autoPurge(sys, paths())).toBe(0)
    expect(autoPurge(full, paths())).toBeGreaterThan(0)
    expect(undoStates(sys, paths())).toEqual([])
  })

  it('a crash at any step leaves the old state or a clean reset, never a mix', () => {
    const before = states()
    const probe = crashingSys(Number.MAX_SAFE_INTEGER)
    resetStorage(probe.sys, paths(), { keep: ['/etc/config/network'] })
    const total = probe.calls()
    undoReset(sys, paths())
    purgeResets(sys, paths())
    expect(states()).toEqual(before)
    const outcomes = new Set<string>()
    for (let n = 1; n <= total; n += 1) {
      expect(() =>
        resetStorage(crashingSys(n).sys, paths(), { keep: ['/etc/config/network'] }),
      ).toThrow(/simulated crash/)
      recoverStorage(sys, paths())
      const now = states()
      if (now.length === before.length) {
        expect(now).toEqual(before)
        outcomes.add('old')
      } else {
        expect(now).toEqual(['/etc/config/network modified'])
        outcomes.add('reset')
        undoReset(sys, paths())
      }
      purgeResets(sys, paths())
      expect(readdirSync(paths().staging).filter((x) => x !== 'whiteout')).toEqual([])
      expect(existsSync(paths().upper)).toBe(true)
    }
    expect(outcomes).toEqual(new Set(['old', 'reset']))
  })
})
