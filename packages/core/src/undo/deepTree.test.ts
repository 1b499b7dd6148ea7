/**
 * Tree walks without recursion: on an in-memory tree 7,000 directories deep (deeper than a
 * path on a real filesystem reaches today; the native Sys lifts that limit), status, usage,
 * revert of a tree, reset --keep (a tree copy), purge and removeTree all finish. Recursion ran
 * out of stack here ("Maximum call stack size exceeded").
 */
import { describe, expect, it } from 'vitest'
import { removeTree } from '../engine/staging.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import { listChanges } from '../inspect/changes.ts'
import { storageUsage } from '../inspect/usage.ts'
import { openStorageContext } from './context.ts'
import { memoryTree } from './memoryTree.ts'
import { purgeResets, resetStorage } from './reset.ts'
import { revertPaths } from './revert.ts'
import { copyStorageTree } from './treeCopy.ts'

const DEPTH = 7_000

function deepStorage(): ReturnType<typeof memoryTree> {
  const t = memoryTree()
  t.sys.mkdir('/base', 0o755)
  t.sys.mkdir('/s', 0o755)
  t.sys.mkdir('/s/upper', 0o755)
  t.sys.mkdir('/s/work', 0o700)
  t.chain('/base', 'd', DEPTH)
  t.chain('/s/upper', 'd', DEPTH)
  t.chain('/s/upper/new', 'n', DEPTH)
  return t
}

describe(`trees ${DEPTH} directories deep`, { timeout: 60_000 }, () => {
  it('status and usage walk them', () => {
    const t = deepStorage()
    const changes = listChanges({ sys: t.sys, paths: storagePaths('/s'), base: '/base' })
    expect(changes.filter((c) => c.state === 'added')).toHaveLength(DEPTH + 2) // /new, its chain, its leaf
    const usage = storageUsage({ sys: t.sys, paths: storagePaths('/s'), base: '/base' })
    expect(new Map(usage.byFolder.map((f) => [f.folder, f.entries]))).toEqual(new Map([['/d', DEPTH + 1], ['/new', DEPTH + 2]]))
  })

  it('revert of a tree over an equally deep base directory', () => {
    const t = deepStorage()
    expect(revertPaths(openStorageContext(t.sys, '/s', '/base'), ['/d'])).toEqual([{ path: '/d', action: 'tree' }])
    expect(t.depth('/s/upper', 'd')).toBe(0)
    expect(t.depth('/s/upper/new', 'n')).toBe(DEPTH)
  })

  it('reset --keep copies them, purge and removeTree remove them', () => {
    const t = deepStorage()
    const paths = storagePaths('/s')
    resetStorage(t.sys, paths, { keep: ['/new'] })
    expect(t.depth('/s/upper/new', 'n')).toBe(DEPTH)
    expect(t.depth('/s/upper', 'd')).toBe(0)
    expect(purgeResets(t.sys, paths)).toBeGreaterThan(0)
    copyStorageTree(t.sys, '/s/upper/new', '/copy')
    expect(t.depth('/copy', 'n')).toBe(DEPTH)
    removeTree(t.sys, '/copy')
    expect(t.exists('/copy')).toBe(false)
  })
})
