/**
 * Trees as deep as a user can make them (1,990 levels; paths under 4,000 bytes until the native
 * Sys lifts PATH_MAX): reverting a storage tree over an equally deep base directory, copying it
 * (reset --keep) and removing it (purge) walk without recursion.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { removeTree } from '../engine/staging.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import { listChanges } from '../inspect/changes.ts'
import { storageUsage } from '../inspect/usage.ts'
import { makeTestStorage, type TestStorage } from '../inspect/testStorage.ts'
import { createNodeSys } from '../sys/nodeSys.ts'
import { openStorageContext } from './context.ts'
import { purgeResets, resetStorage } from './reset.ts'
import { revertPaths } from './revert.ts'
import { copyStorageTree } from './treeCopy.ts'

const DEPTH = 1990
const chain = (n: number): string => Array.from({ length: n }, () => 'd').join('/')

describe('deep trees', () => {
  let t: TestStorage
  const sys = createNodeSys()
  const changes = (): string[] =>
    listChanges({ sys, paths: storagePaths(t.storage), base: t.base }).map((c) => `${c.path} ${c.state}`)
  beforeEach(() => {
    t = makeTestStorage()
    mkdirSync(`${t.base}/${chain(DEPTH)}`, { recursive: true })
    writeFileSync(`${t.base}/${chain(DEPTH)}/leaf`, 'base\n')
    mkdirSync(`${t.upper}/${chain(DEPTH)}`, { recursive: true })
    writeFileSync(`${t.upper}/${chain(DEPTH)}/leaf`, 'changed\n')
    writeFileSync(`${t.upper}/${chain(DEPTH)}/added`, 'new\n')
  })
  // Node's rmSync overflows its own stack on these trees.
  afterEach(() => execFileSync('rm', ['-rf', t.root]))

  it('status and usage see the deepest entries', () => {
    const deepest = `/${chain(DEPTH)}`
    expect(changes()).toEqual([`${deepest}/added added`, `${deepest}/leaf modified`])
    const usage = storageUsage({ sys, paths: storagePaths(t.storage), base: t.base })
    expect(usage.byFolder[0]).toMatchObject({ folder: '/d', entries: DEPTH + 2 })
  })

  it('reverts the tree, keeping the storage-only file', () => {
    expect(revertPaths(openStorageContext(sys, t.storage, t.base), ['/d'])).toEqual([
      { path: '/d', action: 'tree' },
    ])
    expect(changes()).toEqual([`/${chain(DEPTH)}/added added`])
  })

  it('copies the tree for reset --keep and removes it for purge', () => {
    const paths = storagePaths(t.storage)
    resetStorage(sys, paths, { keep: ['/d'] })
    expect(existsSync(`${t.upper}/${chain(DEPTH)}/added`)).toBe(true)
    expect(purgeResets(sys, paths)).toBeGreaterThan(0)
    copyStorageTree(sys, `${t.upper}/d`, `${t.root}/copy`)
    expect(existsSync(`${t.root}/copy/${chain(DEPTH - 1)}/leaf`)).toBe(true)
    removeTree(sys, `${t.root}/copy`)
    expect(existsSync(`${t.root}/copy`)).toBe(false)
  })
})
