import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import { listChanges } from '../inspect/changes.ts'
import { makeTestStorage, type TestStorage } from '../inspect/testStorage.ts'
import { openStorageContext } from './context.ts'
import { planRevert, revertPaths } from './revert.ts'

describe('revert', () => {
  let t: TestStorage
  const sys = createNodeSys()
  const ctx = () => openStorageContext(sys, t.storage, t.base)
  const states = () =>
    listChanges({ sys, paths: storagePaths(t.storage), base: t.base }).map(
      (c) => `${c.path} ${c.state}`,
    )
  beforeEach(() => {
    t = makeTestStorage()
    t.baseFile('etc/hosts', 'base\n')
    t.baseFile('etc/motd', 'hi\n')
    t.baseFile('etc/net/a', 'a\n')
    t.baseFile('etc/net/b', 'b\n')
  })
  afterEach(() => t.cleanup())

  it('brings the base version of a file back', () => {
    t.upperFile('etc/hosts', 'changed\n')
    expect(revertPaths(ctx(), ['/etc/hosts'])).toEqual([{ path: '/etc/hosts', action: 'restore' }])
    expect(states()).toEqual([])
  })

  it('undeletes a whiteout', () => {
    t.whiteout('etc/motd')
    expect(revertPaths(ctx(), ['/etc/motd'])[0]!.action).toBe('undelete')
    expect(existsSync(`${t.upper}/etc/motd`)).toBe(false)
  })

  it('reverts a subtree but keeps storage-only files without --added', () => {
    t.upperDir('etc/net', true)
    t.upperFile('etc/net/a', 'A\n')
    t.upperFile('etc/net/new', 'n\n')
    t.whiteout('etc/net/b')
    revertPaths(ctx(), ['/etc/net'])
    expect(states()).toEqual(['/etc/net/new added'])
    expect(readdirSync(`${t.upper}/etc/net`)).toEqual(['new'])
  })

  it('removes the whole subtree with --added', () => {
    t.upperFile('etc/net/a', 'A\n')
    t.upperFile('etc/net/new', 'n\n')
    revertPaths(ctx(), ['/etc/net'], { added: true })
    expect(states()).toEqual([])
    expect(existsSync(`${t.upper}/etc/net`)).toBe(false)
  })

  it('refuses an added path without --added, and changes nothing when one path is bad', () => {
    t.upperFile('etc/new.conf', 'x\n')
    t.upperFile('etc/hosts', 'changed\n')
    expect(() => planRevert(ctx(), ['/etc/new.conf'])).toThrow(
      /EPERM: exists only in storage \(added\): give --added/,
    )
    expect(() => revertPaths(ctx(), ['/etc/hosts', '/etc/missing'])).toThrow(/ENOENT/)
    expect(() => revertPaths(ctx(), ['/etc/../x'])).toThrow(/EINVAL/)
    expect(readFileSync(`${t.upper}/etc/hosts`, 'utf8')).toBe('changed\n')
    revertPaths(ctx(), ['/etc/new.conf'], { added: true })
    expect(existsSync(`${t.upper}/etc/new.conf`)).toBe(false)
  })

  it('says unchanged for a base path with nothing in storage', () => {
    expect(revertPaths(ctx(), ['/etc/motd'])[0]!.action).toBe('unchanged')
  })

  it('reverts everything at / (storage-only files kept without --added)', () => {
    t.upperFile('etc/hosts', 'changed\n')
    t.whiteout('etc/motd')
    t.upperFile('new', 'n')
    revertPaths(ctx(), ['/'])
    expect(states()).toEqual(['/new added'])
  })
})
