/**
 * status and diff never follow a trusted.overlay.redirect out of the base: a storage directory
 * whose redirect climbs out (`/../../HOST`) is listed as added, and its files are not compared
 * with (or diffed against) the host's files it points at.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { storagePaths } from '../engine/storageFormat.ts'
import { createNodeSys } from '../sys/nodeSys.ts'
import { listChanges } from './changes.ts'
import { diffPath } from './diff.ts'
import { redirectProblem } from '../engine/redirect.ts'
import { makeTestStorage, type TestStorage } from './testStorage.ts'

const setRedirect = (path: string, value: string): void =>
  void execFileSync('setfattr', ['-n', 'trusted.overlay.redirect', '-v', value, path])

describe('redirects that leave the base', () => {
  let t: TestStorage
  const sys = createNodeSys()
  const q = () => ({ sys, paths: storagePaths(t.storage), base: t.base })
  beforeEach(() => {
    t = makeTestStorage()
    t.baseFile('etc/motd', 'hi\n')
    mkdirSync(`${t.root}/host`)
    writeFileSync(`${t.root}/host/secret`, 'host secret\n')
    t.upperFile('x/secret', 'guess\n')
    const climb = `/${'../'.repeat(12)}${t.root.slice(1)}/host`
    setRedirect(`${t.upper}/x`, climb)
  })
  afterEach(() => t.cleanup())

  it('lists the directory and its files as added, never against host files', () => {
    expect(listChanges(q()).map((c) => `${c.path} ${c.state} ${c.basePath}`)).toEqual([
      '/x added null',
      '/x/secret added null',
    ])
    const [d] = diffPath(q(), '/x/secret')
    expect(JSON.stringify(d)).not.toContain('host secret')
  })

  it('a valid absolute redirect still merges the base directory it names', () => {
    setRedirect(`${t.upper}/x`, '/etc')
    t.upperFile('x/motd', 'hi\n')
    execFileSync('touch', ['-r', `${t.base}/etc/motd`, `${t.upper}/x/motd`])
    execFileSync('chmod', ['--reference', `${t.base}/etc/motd`, `${t.upper}/x/motd`])
    expect(listChanges(q()).map((c) => `${c.path} ${c.state}`)).toEqual(['/x added', '/x/motd unchanged', '/x/secret added'])
  })

  it.each([
    ['/etc/old', undefined],
    ['name', undefined],
    ['/../tmp', /'\.\.'/],
    ['a/b', /relative path/],
    ['/a//b', /empty/],
    ['', /empty/],
  ])('redirectProblem(%j)', (value, problem) => {
    const got = redirectProblem(Buffer.from(value))
    if (problem === undefined) expect(got).toBeUndefined()
    else expect(got).toMatch(problem)
  })
})
