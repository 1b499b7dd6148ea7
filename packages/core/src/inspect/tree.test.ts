import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import { listChanges } from './changes.ts'
import type { OverlayView } from './requestPath.ts'
import { TreeLister } from './tree.ts'
import { makeTestStorage, type TestStorage } from './testStorage.ts'

describe('TreeLister', () => {
  let t: TestStorage
  let view: OverlayView
  beforeEach(() => {
    t = makeTestStorage()
    view = { sys: createNodeSys(), paths: storagePaths(t.storage), base: t.base }
  })
  afterEach(() => t.cleanup())

  it('gives every entry the state the change list gives it, ghosts included', () => {
    t.baseFile('etc/hosts', 'base\n')
    t.baseFile('etc/passwd', 'root\n')
    t.baseFile('etc/shadow', 'x\n', 0o600)
    t.baseFile('etc/motd', 'hi\n')
    t.baseFile('etc/keep', 'same\n')
    t.baseFile('etc/opq/inner', 'hidden\n')
    t.upperFile('etc/hosts', 'changed\n')
    t.upperFile('etc/shadow', 'x\n', 0o640)
    t.upperFile('etc/keep', 'same\n')
    t.sameMeta('etc/keep')
    t.whiteout('etc/motd')
    t.upperFile('etc/new', 'n\n')
    t.upperDir('etc/opq', true)
    const page = new TreeLister().list(view, '/etc', 0, 100)
    const states = Object.fromEntries(page.entries.map((e) => [e.name, e.state]))
    const fromChanges = Object.fromEntries(listChanges(view).filter((c) => c.path.split('/').length === 3).map((c) => [c.path.slice(5), c.state]))
    expect(states).toEqual({ ...fromChanges, passwd: 'unchanged' })
    expect(states).toMatchObject({ hosts: 'modified', shadow: 'metadata', keep: 'unchanged', motd: 'deleted', new: 'added', opq: 'opaque' })
    expect(new TreeLister().list(view, '/etc/opq', 0, 10).entries).toEqual([])
  })

  it('pages a large folder from cached names, and sees a new entry at once', () => {
    for (let i = 0; i < 30; i++) t.baseFile(`big/f${String(i).padStart(2, '0')}`, '')
    const lister = new TreeLister({ minCached: 10 })
    const a = lister.list(view, '/big', 0, 20)
    const b = lister.list(view, '/big', 20, 20)
    expect([...a.entries, ...b.entries].map((e) => e.name)).toEqual(Array.from({ length: 30 }, (_, i) => `f${String(i).padStart(2, '0')}`))
    t.upperFile('big/f99', 'new')
    expect(lister.list(view, '/big', 0, 100).total).toBe(31)
  })
})
