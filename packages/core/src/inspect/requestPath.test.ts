import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import { checkRequestPath, requireRequestPath, resolveRequestPath, type OverlayView } from './requestPath.ts'
import { makeTestStorage, type TestStorage } from './testStorage.ts'

describe('checkRequestPath', () => {
  it('normalises harmless spellings', () => {
    expect(checkRequestPath('/')).toBe('/')
    expect(checkRequestPath('//etc/./hosts/')).toBe('/etc/hosts')
    expect(checkRequestPath('/etc/ünïcödé')).toBe('/etc/ünïcödé')
  })

  it.each([
    ['..', '/etc/../shadow'],
    ['relative', 'etc/hosts'],
    ['empty', ''],
    ['NUL', '/etc/a\0b'],
    ['lone surrogate', '/etc/\udcff'],
    ['over-long name', `/${'x'.repeat(256)}`],
    ['over-long path', `/${'x'.repeat(200)}`.repeat(21)],
  ])('refuses %s with EINVAL', (_kind, input) => {
    expect(() => checkRequestPath(input)).toThrow(expect.objectContaining({ code: 'EINVAL' }) as Error)
  })

  it('counts name length in bytes', () => {
    expect(checkRequestPath(`/${'é'.repeat(127)}`)).toHaveLength(128)
    expect(() => checkRequestPath(`/${'é'.repeat(128)}`)).toThrow(/longer than 255 bytes/)
  })
})

describe('resolveRequestPath', () => {
  let t: TestStorage
  let view: OverlayView
  beforeEach(() => {
    t = makeTestStorage()
    view = { sys: createNodeSys(), paths: storagePaths(t.storage), base: t.base }
    t.baseFile('etc/hosts', 'base\n')
    t.baseFile('etc/motd', 'motd\n')
    t.baseFile('old/dir/file', 'x')
    t.whiteout('etc/motd')
    t.whiteout('old')
    t.symlink('base', '/etc', 'link')
  })
  afterEach(() => t.cleanup())

  it('gives both layers of a path, and the base under a deleted file or folder', () => {
    const hosts = resolveRequestPath(view, '/etc/hosts')
    expect(hosts.entry?.layer).toBe('base')
    expect(hosts.storage).toBeUndefined()
    const motd = resolveRequestPath(view, '/etc/motd')
    expect(motd.entry).toBeUndefined()
    expect(motd.storage?.real).toBe(`${t.upper}/etc/motd`)
    expect(motd.base?.real).toBe(`${t.base}/etc/motd`)
    const ghost = resolveRequestPath(view, '/old/dir/file')
    expect(ghost.entry).toBeUndefined()
    expect(ghost.base?.real).toBe(`${t.base}/old/dir/file`)
  })

  it('shows a symlink but never goes through one', () => {
    expect(resolveRequestPath(view, '/link').entry?.stat.mode).toBeDefined()
    expect(() => resolveRequestPath(view, '/link/hosts')).toThrow(expect.objectContaining({ code: 'ELOOP' }) as Error)
  })

  it('says ENOENT or ENOTDIR for what is not there', () => {
    expect(() => requireRequestPath(view, '/etc/none')).toThrow(expect.objectContaining({ code: 'ENOENT' }) as Error)
    expect(() => resolveRequestPath(view, '/none/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }) as Error)
    expect(() => resolveRequestPath(view, '/etc/hosts/x')).toThrow(expect.objectContaining({ code: 'ENOTDIR' }) as Error)
  })
})
