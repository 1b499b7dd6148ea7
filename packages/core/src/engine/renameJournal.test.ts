/**
 * A crash between the two steps of a rename (entry in place at the new name, old name not yet
 * hidden) is finished at the next open of the storage; a crash before the first step changes
 * nothing. The crash is a Sys that throws at a chosen call; the real disk does the rest.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { crashingSys } from './testing/crashingSys.ts'
import { Overlay } from './Overlay.ts'
import type { Sys } from './sys.ts'

let root: string
let base: string
let storage: string

beforeEach(() => {
  root = mkdtempSync(`${tmpdir()}/layerdeck-rename-`)
  base = `${root}/base`
  storage = `${root}/storage`
  mkdirSync(`${base}/d`, { recursive: true })
  mkdirSync(`${storage}/upper`, { recursive: true })
  writeFileSync(`${base}/d/a`, 'a\n')
  writeFileSync(`${base}/d/b`, 'b\n')
  writeFileSync(`${base}/f`, 'base f\n')
})

afterEach(() => rmSync(root, { recursive: true, force: true }))

/** Crashes at the first call after the rename whose target `trigger` picks. */
const crashAtRename = (trigger: (from: string, to: string) => boolean, before = false): Sys =>
  crashingSys((name, args) => name === 'rename' && trigger(args[0] as string, args[1] as string), before)

const open = (sys: Sys = createNodeSys()): Overlay => new Overlay({ sys, base, storage })
const read = (o: Overlay, path: string): string => {
  const h = o.open(path, 0)
  const buf = Buffer.alloc(100)
  const n = o.read(h, buf, 100, 0)
  o.release(h)
  return buf.subarray(0, n).toString()
}

describe('rename journal', () => {
  it('finishes a directory rename interrupted after the copy landed', () => {
    const sys = crashAtRename((_from, to) => to === `${storage}/upper/e`)
    expect(() => open(sys).rename('/d', '/e')).toThrow(/crash/)
    const after = open()
    expect(after.recovered).toEqual(['finished renaming /d to /e (interrupted by a crash)'])
    expect(() => after.getattr('/d')).toThrow(/ENOENT/)
    expect(after.readdir('/e').sort()).toEqual(['a', 'b'])
    expect(read(after, '/e/a')).toBe('a\n')
  })

  it('finishes a file rename interrupted before the old name was whited out', () => {
    const first = open()
    const h = first.open('/f', 1)
    first.write(h, Buffer.from('EDIT'), 4, 0)
    first.release(h)
    const sys = crashAtRename((_from, to) => to === `${storage}/upper/g`)
    expect(() => open(sys).rename('/f', '/g')).toThrow(/crash/)
    const after = open()
    expect(after.recovered).toHaveLength(1)
    expect(() => after.getattr('/f')).toThrow(/ENOENT/)
    expect(read(after, '/g')).toBe('EDIT f\n')
  })

  it('changes nothing when the crash came before the entry moved', () => {
    const first = open()
    first.close()
    const existing = first.create('/g', 0o644)
    first.write(existing, Buffer.from('old g\n'), 6, 0)
    first.release(existing)
    const sys = crashAtRename((_from, to) => to === `${storage}/upper/g`, true)
    expect(() => open(sys).rename('/f', '/g')).toThrow(/crash/)
    const after = open()
    expect(after.recovered).toEqual(['a rename of /f to /g never started before a crash; nothing changed'])
    expect(read(after, '/f')).toBe('base f\n')
    expect(read(after, '/g')).toBe('old g\n')
  })
})
