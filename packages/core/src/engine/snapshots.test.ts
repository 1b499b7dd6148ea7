/**
 * Snapshots for live backups, on the real disk through the engine: a snapshot is the storage at
 * one instant, whatever is changed after it, and a file it shares gets an inode of its own at its
 * first change (its handles following); link counts never show the snapshot's links.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSys } from '../sys/nativeSys.ts'
import { Overlay } from './Overlay.ts'

let root: string
let base: string
let storage: string

beforeEach(() => {
  root = mkdtempSync(`${tmpdir()}/layerdeck-snap-`)
  base = `${root}/base`
  storage = `${root}/storage`
  mkdirSync(`${base}/etc`, { recursive: true })
  mkdirSync(`${storage}/upper`, { recursive: true })
  writeFileSync(`${base}/etc/conf`, 'factory\n')
})

afterEach(() => rmSync(root, { recursive: true, force: true }))

const open = (): Overlay => new Overlay({ sys: createSys(), base, storage })

function write(o: Overlay, path: string, text: string, flags = 0o1 | 0o1000 /* O_WRONLY|O_TRUNC */): void {
  const h = o.open(path, flags)
  o.write(h, Buffer.from(text), Buffer.byteLength(text), 0)
  o.release(h)
}

function read(o: Overlay, h: number): string {
  const buf = Buffer.alloc(100)
  return buf.subarray(0, o.read(h, buf, 100, 0)).toString()
}

describe('snapshots', () => {
  it('keep the storage as it was when taken, whatever changes after', () => {
    const o = open()
    write(o, '/etc/conf', 'mine\n')
    const snap = o.snapshots.create(() => false)
    expect(o.getattr('/etc/conf').nlink).toBe(1) // the snapshot's link is not shown
    write(o, '/etc/conf', 'after\n')
    o.chmod('/etc/conf', 0o600)
    expect(readFileSync(`${snap.dir}/upper/etc/conf`, 'utf8')).toBe('mine\n')
    expect(readFileSync(`${storage}/upper/etc/conf`, 'utf8')).toBe('after\n')
    o.unlink('/etc/conf')
    expect(readFileSync(`${snap.dir}/upper/etc/conf`, 'utf8')).toBe('mine\n')
    expect(o.snapshots.release(snap.id)).toBe(true)
    expect(readdirSync(`${storage}/work/layerdeck`).filter((n) => n.startsWith('snapshot-'))).toEqual([])
  })

  it('copy a file open for writing instead of sharing it, and move readers along at a first change', () => {
    const o = open()
    write(o, '/etc/conf', 'v1\n')
    const writer = o.open('/etc/conf', 0o1)
    const snap = o.snapshots.create((p) => o.handles.writing(p))
    o.write(writer, Buffer.from('v2\n'), 3, 0)
    expect(readFileSync(`${snap.dir}/upper/etc/conf`, 'utf8')).toBe('v1\n')
    o.release(writer)
    const other = o.snapshots.create(() => false)
    const reader = o.open('/etc/conf', 0)
    write(o, '/etc/conf', 'v3\n')
    expect(read(o, reader)).toBe('v3\n') // the reader follows the live file's new inode
    expect(readFileSync(`${other.dir}/upper/etc/conf`, 'utf8')).toBe('v2\n')
    o.release(reader)
  })

  it('are removed at the next open after a crash', () => {
    const o = open()
    write(o, '/etc/conf', 'x\n')
    o.snapshots.create(() => false)
    open() // a new daemon on the storage
    expect(readdirSync(`${storage}/work/layerdeck`).filter((n) => n.startsWith('snapshot-'))).toEqual([])
  })
})
