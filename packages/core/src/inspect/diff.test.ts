import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import type { ChangeQuery } from './changes.ts'
import { diffPath } from './diff.ts'
import { makeTestStorage, type TestStorage } from './testStorage.ts'

describe('diffPath', () => {
  let t: TestStorage
  let q: ChangeQuery
  beforeEach(() => {
    t = makeTestStorage()
    q = { sys: createNodeSys(), paths: storagePaths(t.storage), base: t.base }
  })
  afterEach(() => t.cleanup())

  it('gives a unified diff for text files', () => {
    t.baseFile('etc/hosts', 'a\nb\nc\n')
    t.upperFile('etc/hosts', 'a\nB\nc\n')
    const [d] = diffPath(q, '/etc/hosts')
    expect(d!.content.kind).toBe('text')
    if (d!.content.kind !== 'text') return
    expect(d!.content.patch).toBe(
      '--- base/etc/hosts\n+++ current/etc/hosts\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n',
    )
  })

  it('gives sizes and hashes for binary files', () => {
    t.baseFile('bin/tool', Buffer.from([0, 1, 2]))
    t.upperFile('bin/tool', Buffer.from([0, 1, 2, 3]))
    const [d] = diffPath(q, '/bin/tool')
    expect(d!.content).toMatchObject({ kind: 'binary', base: { size: 3 }, current: { size: 4 } })
    if (d!.content.kind === 'binary') expect(d!.content.base!.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('gives the changed fields of a metadata-only change', () => {
    t.baseFile('etc/shadow', 's', 0o600)
    t.upperFile('etc/shadow', 's', 0o640)
    const [d] = diffPath(q, '/etc/shadow')
    expect(d).toMatchObject({
      state: 'metadata',
      content: { kind: 'none' },
      fields: [{ field: 'mode', base: '0600', current: '0640' }],
    })
  })

  it('diffs everything changed under a directory, deletions and additions included', () => {
    t.baseFile('etc/a', 'one\n')
    t.baseFile('etc/b', 'gone\n')
    t.whiteout('etc/b')
    t.upperFile('etc/c', 'new\n')
    const diffs = diffPath(q, '/etc')
    expect(diffs.map((d) => [d.path, d.state])).toEqual([
      ['/etc/b', 'deleted'],
      ['/etc/c', 'added'],
    ])
    expect(diffs[0]!.content).toMatchObject({
      kind: 'text',
      patch: expect.stringContaining('+++ /dev/null') as unknown,
    })
    expect(diffs[1]!.content).toMatchObject({
      kind: 'text',
      patch: expect.stringContaining('--- /dev/null') as unknown,
    })
  })

  it('is empty for an unchanged path and refuses a missing one', () => {
    t.baseFile('etc/a', 'one\n')
    expect(diffPath(q, '/etc/a')).toEqual([])
    expect(() => diffPath(q, '/etc/nope')).toThrow(/ENOENT/)
  })
})
