/**
 * A crash in the moment a change has taken a whiteout away (mkdir over a deleted name, rmdir of a
 * directory that covers the base) must not bring the deleted base entry back.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createNodeSys } from '../sys/nodeSys.ts'
import { Overlay } from './Overlay.ts'
import type { Sys } from './sys.ts'
import { crashingSys } from './testing/crashingSys.ts'

let root: string
let base: string
let storage: string

beforeEach(() => {
  root = mkdtempSync(`${tmpdir()}/layerdeck-guard-`)
  base = `${root}/base`
  storage = `${root}/storage`
  mkdirSync(`${base}/d`, { recursive: true })
  mkdirSync(`${storage}/upper`, { recursive: true })
  writeFileSync(`${base}/d/f`, 'f\n')
})

afterEach(() => rmSync(root, { recursive: true, force: true }))

const open = (sys: Sys = createNodeSys()): Overlay => new Overlay({ sys, base, storage })

it('keeps a deleted directory deleted when mkdir over it crashes before landing', () => {
  const first = open()
  first.unlink('/d/f')
  first.rmdir('/d')
  const sys = crashingSys((name, args) => name === 'unlink' && args[0] === `${storage}/upper/d`)
  expect(() => open(sys).mkdir('/d', 0o755)).toThrow(/crash/)
  const after = open()
  expect(after.recovered).toEqual(['hid 1 deleted name(s) again after a crash'])
  expect(() => after.getattr('/d')).toThrow(/ENOENT/)
  expect(after.readdir('/')).toEqual([])
})

it('keeps the base hidden when rmdir of a covering directory crashes before its whiteout', () => {
  const first = open()
  first.unlink('/d/f') // /d now lives in storage (holding a whiteout) over the base /d
  const sys = crashingSys((name, args) => name === 'rename' && args[0] === `${storage}/upper/d`)
  expect(() => open(sys).rmdir('/d')).toThrow(/crash/)
  const after = open()
  expect(after.recovered).toEqual(['hid 1 deleted name(s) again after a crash'])
  expect(() => after.getattr('/d')).toThrow(/ENOENT/)
})

it('leaves a finished change alone', () => {
  const first = open()
  first.unlink('/d/f')
  first.rmdir('/d')
  first.mkdir('/d', 0o755)
  const after = open()
  expect(after.recovered).toEqual([])
  expect(after.readdir('/d')).toEqual([])
})

it('drops a guard whose upper/ was swapped since (a reset or restore came in between)', () => {
  const first = open()
  first.unlink('/d/f')
  first.rmdir('/d')
  const sys = crashingSys((name, args) => name === 'unlink' && args[0] === `${storage}/upper/d`)
  expect(() => open(sys).mkdir('/d', 0o755)).toThrow(/crash/)
  // A factory reset swaps in a fresh upper/ before the next mount.
  renameSync(`${storage}/upper`, `${storage}/work/layerdeck/old-upper`)
  mkdirSync(`${storage}/upper`)
  const after = open()
  expect(after.recovered).toEqual([])
  expect(after.readdir('/d')).toEqual(['f'])
})
