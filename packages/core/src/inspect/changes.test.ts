import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import { changesUnder, listChanges, type ChangeQuery } from './changes.ts'
import { checkStorage } from './storage.ts'
import { makeTestStorage, type TestStorage } from './testStorage.ts'

describe('listChanges', () => {
  let t: TestStorage
  let q: ChangeQuery
  beforeEach(() => {
    t = makeTestStorage()
    q = { sys: createNodeSys(), paths: storagePaths(t.storage), base: t.base }
  })
  afterEach(() => t.cleanup())

  it('classifies every kind of change', () => {
    t.baseFile('etc/hosts', '127.0.0.1 localhost\n')
    t.baseFile('etc/passwd', 'root:x:0:0\n')
    t.baseFile('etc/shadow', 'root:*\n', 0o600)
    t.baseFile('etc/motd', 'hello\n')
    t.baseFile('var/lib/a', 'a')
    t.baseFile('var/lib/b', 'b')
    t.baseFile('etc/group', 'root:x:0:\n')
    t.upperFile('etc/hosts', '127.0.0.1 device\n')
    t.upperFile('etc/passwd', 'root:x:0:0\n')
    t.sameMeta('etc/passwd')
    t.upperFile('etc/shadow', 'root:*\n', 0o640)
    t.whiteout('etc/motd')
    t.upperFile('etc/new.conf', 'x=1\n')
    t.upperDir('var/lib', true)
    t.upperFile('var/lib/c', 'c')
    t.upperFile('etc/group', 'root:x:0:\n')
    t.sameMeta('etc/group')
    t.symlink('upper', 'hosts', 'etc/hosts.link')
    const states = Object.fromEntries(listChanges(q).map((c) => [c.path, c.state]))
    expect(states).toEqual({
      '/etc/group': 'unchanged',
      '/etc/hosts': 'modified',
      '/etc/hosts.link': 'added',
      '/etc/motd': 'deleted',
      '/etc/new.conf': 'added',
      '/etc/passwd': 'unchanged',
      '/etc/shadow': 'metadata',
      '/var/lib': 'opaque',
      '/var/lib/c': 'added',
    })
  })

  it('reports an opaque directory over a base directory, and metadata fields', () => {
    t.baseFile('var/lib/a', 'a')
    t.baseFile('etc/shadow', 's', 0o600)
    t.upperDir('var', false)
    t.upperDir('var/lib', true)
    t.upperFile('var/lib/a', 'a')
    t.upperFile('etc/shadow', 's', 0o640)
    const changes = listChanges(q)
    expect(changes.map((c) => [c.path, c.state])).toEqual([
      ['/etc/shadow', 'metadata'],
      ['/var/lib', 'opaque'],
      ['/var/lib/a', 'added'],
    ])
    expect(changes[0]!.fields).toEqual([{ field: 'mode', base: '0600', current: '0640' }])
  })

  it('lists only changes under a path', () => {
    t.baseFile('etc/a', 'a')
    t.upperFile('etc/a', 'b')
    t.upperFile('etcetera', 'x')
    expect(changesUnder(q, '/etc').map((c) => c.path)).toEqual(['/etc/a'])
    expect(changesUnder(q, '/').map((c) => c.path)).toEqual(['/etc/a', '/etcetera'])
  })

  it('never reads the base beyond the entries storage covers', () => {
    t.baseFile('big/one', '1')
    const sys = createNodeSys()
    const seen: string[] = []
    const spy = { ...sys, readdir: (p: string) => (seen.push(p), sys.readdir(p)) }
    listChanges({ ...q, sys: spy })
    expect(seen.every((p) => p.startsWith(t.upper))).toBe(true)
  })

  it('refuses a folder that is not an overlayfs storage', () => {
    expect(() => checkStorage(createNodeSys(), t.base)).toThrow(/EINVAL: not an overlayfs storage/)
    expect(() => checkStorage(createNodeSys(), `${t.root}/nope`)).toThrow(/ENOENT/)
  })
})
