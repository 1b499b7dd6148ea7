import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync, existsSync, lstatSync, readdirSync, symlinkSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashTree, tempDir } from '@layerdeck/testkit'
import { createNodeSys } from '../sys/nodeSys.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import { backupToFile } from './backupFile.ts'
import { restoreBackup } from './restoreBackup.ts'
import { recoverRestores } from './restoreSwap.ts'
import { manifestEntry, tarOf, writeArchive, type TestEntry } from './testArchive.ts'
import { TYPE } from './tarHeader.ts'

let tmp: { path: string; cleanup(): void }
let storage: string

beforeEach(() => {
  tmp = tempDir('layerdeck-restore-')
  storage = `${tmp.path}/storage`
  mkdirSync(`${storage}/upper/keep/sub`, { recursive: true })
  mkdirSync(`${storage}/work`)
  writeFileSync(`${storage}/upper/keep/sub/file`, 'current\n')
  writeFileSync(`${storage}/upper/a`, 'old a\n')
})
afterEach(() => tmp.cleanup())

const archive = (name: string, entries: TestEntry[], withManifest = true): string =>
  writeArchive(`${tmp.path}/${name}.tar.gz`, entries, withManifest)

describe('restore refuses hostile archives and changes nothing', () => {
  const dir = (path: string): TestEntry => ({ path, type: TYPE.dir, mode: 0o755 })
  const cases: Array<[string, () => string, RegExp, { maxEntries?: number; maxBytes?: number }?]> = [
    ['a ../ path', () => archive('dotdot', [{ path: '../escape', data: 'x' }]), /contains '\.\.'/],
    ['a nested ../ path', () => archive('dotdot2', [dir('etc/'), { path: 'etc/../../x', data: 'x' }]), /contains '\.\.'/],
    ['an absolute path', () => archive('abs', [{ path: '/etc/passwd', data: 'x' }]), /absolute path/],
    ['a PAX path escaping', () => archive('pax', [{ path: 'safe', data: 'x', pax: [['path', Buffer.from('../../x')]] }]), /contains '\.\.'/],
    ['a file through a symlink', () => archive('symfile', [{ path: 'lnk', type: TYPE.symlink, linkpath: tmp.path }, { path: 'lnk/evil', data: 'x' }]), /inside a symlink/],
    ['a dir replacing a symlink', () => archive('symdir', [{ path: 'lnk', type: TYPE.symlink, linkpath: '/' }, dir('lnk/')]), /appears twice/],
    ['a hard link out of the archive', () => archive('hardout', [{ path: 'h', type: TYPE.hardlink, linkpath: '../../etc/shadow' }]), /hard link whose target contains '\.\.'/],
    ['a hard link to a later entry', () => archive('hardlater', [{ path: 'h', type: TYPE.hardlink, linkpath: 'later' }, { path: 'later', data: 'x' }]), /not an earlier file/],
    ['a block device', () => archive('blk', [{ path: 'sda', type: TYPE.blockDevice, devmajor: 8 }]), /block device/],
    ['a character device that is not a whiteout', () => archive('chr', [{ path: 'mem', type: TYPE.charDevice, devmajor: 1, devminor: 1 }]), /character device \(1\/1\)/],
    ['a missing parent', () => archive('orphan', [{ path: 'nodir/file', data: 'x' }]), /no directory entry for its parent/],
    ['an unknown xattr namespace', () => archive('xattr', [{ path: 'f', data: 'x', pax: [['SCHILY.xattr.evil.x', Buffer.from('1')]] }]), /unknown namespace/],
    ['gzip garbage', () => writeRaw('garbage', Buffer.from('this is not gzip at all, just text')), /not gzip-compressed/],
    ['a truncated gzip', () => writeRaw('trunc', gzipSync(tarOf([manifestEntry(), { path: 'big', data: Buffer.alloc(100_000, 7) }])).subarray(0, 300)), /truncated|corrupt/],
    ['a corrupt tar header', () => writeRaw('cksum', gzipSync(flip(tarOf([manifestEntry(), { path: 'f', data: 'x' }]), 1024 + 10))), /checksum/],
    ['no manifest', () => archive('plain', [{ path: 'etc/passwd', data: 'x' }], false), /not a LayerDeck backup/],
    ['a newer format', () => writeRaw('newer', gzipSync(tarOf([manifestEntry({ version: 99 })]))), /upgrade LayerDeck/],
    ['too many entries', () => archive('many', Array.from({ length: 10 }, (_, i) => ({ path: `f${i}`, data: 'x' }))), /more than 5 entries/, { maxEntries: 5 }],
    ['a manifest announcing too many entries', () => writeRaw('many2', gzipSync(tarOf([manifestEntry({ entries: 1e9 })]))), /more than the limit of 100000 \(the maxEntries limit; raise it with --max-entries\)/],
    ['too much data behind a lying manifest', () => archive('big', [{ path: 'big', data: Buffer.alloc(4000, 1) }]), /more than 1000 bytes/, { maxBytes: 1000 }],
  ]
  it.each(cases)('%s', async (_name, build, message, limits) => {
    const file = build()
    const before = await hashTree(storage)
    await expect(restoreBackup({ storage, file, replace: true, limits: limits ?? {} })).rejects.toThrow(message)
    await expect(restoreBackup({ storage, file, replace: true, limits: limits ?? {} })).rejects.toThrow(/nothing was changed/)
    expect(await hashTree(storage)).toBe(before)
  })
})

describe('restore semantics', () => {
  async function backupOf(build: (upper: string) => void): Promise<string> {
    const src = `${tmp.path}/src`
    mkdirSync(`${src}/upper`, { recursive: true })
    build(`${src}/upper`)
    const file = `${tmp.path}/backup.tar.gz`
    await backupToFile(file, { storage: src })
    return file
  }
  const backupFile = (): Promise<string> =>
    backupOf((u) => {
      writeFileSync(`${u}/a`, 'new a\n')
      writeFileSync(`${u}/c`, 'added c\n')
      execFileSync('mknod', [`${u}/gone`, 'c', '0', '0'])
      mkdirSync(`${u}/opq`)
      execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', `${u}/opq`])
    })

  it('merges by default: backup entries win, other storage changes stay', async () => {
    const file = await backupFile()
    const result = await restoreBackup({ storage, file })
    expect(result.applied).toBe(true)
    expect(result.plan.added.map((i) => i.path).sort()).toEqual(['/c', '/gone', '/opq'])
    expect(result.plan.replaced.map((i) => i.path)).toEqual(expect.arrayContaining(['/a']))
    expect(readFileSync(`${storage}/upper/a`, 'utf8')).toBe('new a\n')
    expect(readFileSync(`${storage}/upper/keep/sub/file`, 'utf8')).toBe('current\n')
    expect(lstatSync(`${storage}/upper/gone`).isCharacterDevice()).toBe(true)
    expect(execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', `${storage}/upper/opq`]).toString()).toBe('y')
    expect(readdirSync(`${storage}/work/layerdeck`).filter((n) => n.startsWith('restore'))).toEqual([])
  })

  it('--replace makes the storage exactly the backup', async () => {
    const file = await backupFile()
    const result = await restoreBackup({ storage, file, replace: true })
    expect(result.plan.removed.map((i) => i.path)).toEqual(['/keep'])
    expect(result.plan.removedEntries).toBe(3)
    expect(existsSync(`${storage}/upper/keep`)).toBe(false)
    expect(readdirSync(`${storage}/upper`).sort()).toEqual(['a', 'c', 'gone', 'opq'])
  })

  it('--dry-run plans and changes nothing; a second restore has nothing to do', async () => {
    const file = await backupFile()
    const before = await hashTree(storage)
    const dry = await restoreBackup({ storage, file, replace: true, dryRun: true })
    expect(dry.applied).toBe(false)
    expect(dry.plan.added.length).toBe(3)
    expect(await hashTree(storage)).toBe(before)
    await restoreBackup({ storage, file, replace: true })
    const again = await restoreBackup({ storage, file, replace: true })
    expect(again.plan.unchanged).toBe(again.entries)
    expect(again.applied).toBe(false)
  })

  it('refuses a storage that is not in overlayfs format', async () => {
    const file = await backupFile()
    const other = `${tmp.path}/other`
    mkdirSync(other)
    writeFileSync(`${other}/random`, 'x')
    await expect(restoreBackup({ storage: other, file })).rejects.toThrow(/not in overlayfs format/)
    expect(readdirSync(other)).toEqual(['random'])
  })

  it('a declined confirmation changes nothing', async () => {
    const file = await backupFile()
    const before = await hashTree(storage)
    const result = await restoreBackup({ storage, file, confirm: () => Promise.resolve(false) })
    expect(result.applied).toBe(false)
    expect(await hashTree(storage)).toBe(before)
  })

  it('finishes a swap interrupted after the new tree was ready, and rolls back one that was not', () => {
    const sys = createNodeSys()
    const paths = storagePaths(storage)
    mkdirSync(`${paths.staging}/restore-1-1/new`, { recursive: true })
    writeFileSync(`${paths.staging}/restore-1-1/new/restored`, 'x')
    writeFileSync(`${paths.staging}/restore-1-1/ready`, '')
    execFileSync('mv', [paths.upper, `${paths.staging}/restore-1-1/previous`])
    expect(recoverRestores(sys, paths)).toEqual([expect.stringMatching(/finished/)])
    expect(readdirSync(paths.upper)).toEqual(['restored'])
    mkdirSync(`${paths.staging}/restore-2-2/new`, { recursive: true })
    execFileSync('mv', [paths.upper, `${paths.staging}/restore-2-2/previous`])
    expect(recoverRestores(sys, paths)).toEqual([expect.stringMatching(/rolled back/)])
    expect(readdirSync(paths.upper)).toEqual(['restored'])
    expect(readdirSync(paths.staging)).toEqual([])
  })
})

it('keeps a symlink in storage from redirecting the plan or the restore', async () => {
  symlinkSync(tmp.path, `${storage}/upper/trap`)
  const file = writeArchive(`${tmp.path}/t.tar.gz`, [{ path: 'trap/', type: TYPE.dir, mode: 0o755 }, { path: 'trap/x', data: 'inside' }])
  await restoreBackup({ storage, file })
  expect(lstatSync(`${storage}/upper/trap`).isDirectory()).toBe(true)
  expect(existsSync(`${tmp.path}/x`)).toBe(false)
})

function writeRaw(name: string, data: Buffer): string {
  const path = `${tmp.path}/${name}.tar.gz`
  writeFileSync(path, data)
  return path
}

function flip(buf: Buffer, at: number): Buffer {
  buf[at] = (buf[at] as number) ^ 0xff
  return buf
}
