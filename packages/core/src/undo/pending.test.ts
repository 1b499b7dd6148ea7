import { existsSync, readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import { makeTestStorage, type TestStorage } from '../inspect/testStorage.ts'
import { addPending, prepareForMount, readPending } from './pending.ts'

describe('actions recorded for the next mount', () => {
  let t: TestStorage
  const sys = createNodeSys()
  beforeEach(() => {
    t = makeTestStorage()
    t.baseFile('etc/hosts', 'base\n')
    t.upperFile('etc/hosts', 'changed\n')
    t.upperFile('etc/keep', 'k\n')
    t.upperFile('etc/other', 'o\n')
  })
  afterEach(() => t.cleanup())

  it('applies them in order before a mount, then forgets them', () => {
    const paths = storagePaths(t.storage)
    addPending(sys, paths, { op: 'revert', paths: ['/etc/hosts'], added: false })
    addPending(sys, paths, { op: 'revert', paths: ['/etc/missing'], added: false })
    addPending(sys, paths, { op: 'reset', keep: ['/etc/keep'] })
    expect(readPending(sys, paths)).toHaveLength(3)
    const log = prepareForMount(sys, paths, t.base)
    expect(log).toEqual([
      'applied the recorded revert of /etc/hosts',
      expect.stringMatching(/could not apply the recorded revert: ENOENT/) as unknown,
      'applied the recorded reset (kept /etc/keep)',
    ])
    expect(readPending(sys, paths)).toEqual([])
    expect(existsSync(`${t.upper}/etc/other`)).toBe(false)
    expect(readFileSync(`${t.upper}/etc/keep`, 'utf8')).toBe('k\n')
    expect(prepareForMount(sys, paths, t.base)).toEqual([])
  })
})
