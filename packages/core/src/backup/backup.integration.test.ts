/**
 * `layerdeck backup` / `restore` end to end: changes made through a real mount, backed up,
 * the storage emptied, restored, remounted: the merged tree is the same. All probes run in child
 * processes (sh), never in the test process.
 */
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashTree, LAYERDECK_BIN, sh, shOk, snapshotTree, startMount, tempDir, type MountProcess } from '@layerdeck/testkit'
import { TYPE } from './tarHeader.ts'
import { writeArchive } from './testArchive.ts'

let tmp: { path: string; cleanup(): void }
let base: string, storage: string, mnt: string
let mounts: MountProcess[] = []

const q = (s: string): string => JSON.stringify(s)
const cli = (args: string): Promise<{ code: number; stdout: string; stderr: string }> => sh(`${q(LAYERDECK_BIN)} ${args} </dev/null`)

async function mount(): Promise<MountProcess> {
  const m = await startMount({ base, storage, mountpoint: mnt })
  mounts.push(m)
  return m
}

async function unmount(m: MountProcess): Promise<void> {
  expect(await m.stop()).toBe(0)
  mounts = mounts.filter((x) => x !== m)
}

beforeAll(async () => {
  tmp = tempDir('layerdeck-backup-it-')
  base = `${tmp.path}/base`
  storage = `${tmp.path}/storage`
  mnt = `${tmp.path}/mnt`
  for (const d of [base, storage, mnt]) mkdirSync(d)
  await shOk(`cd ${q(base)} && mkdir -p etc/config opt/app/conf var && echo hosts > etc/hosts && echo net > etc/config/network &&
    echo bin > opt/app/bin && echo c1 > opt/app/conf/c1 && echo old > var/old && chmod 600 etc/hosts`)
})

afterAll(async () => {
  for (const m of mounts) await m.stop()
  tmp.cleanup()
})

describe('backup and restore through real mounts', () => {
  let expected: string[]
  const backup = () => `${tmp.path}/backup.tar.gz`

  it('backs up every kind of change made through the mount', async () => {
    const m = await mount()
    await shOk(`cd ${q(mnt)} && echo changed > etc/config/network && echo new > etc/new && rm var/old &&
      rm -rf opt/app/conf && mkdir opt/app/conf && echo fresh > opt/app/conf/c2 && chmod 640 etc/hosts &&
      chown 1000:1000 opt/app/bin && setfattr -n user.color -v blue etc/new && ln -s ../etc/hosts var/link &&
      mkfifo var/fifo && ln etc/new etc/new-hardlink && touch -d 2001-02-03 etc/new`)
    expected = await snapshotTree(mnt)
    await unmount(m)
    const r = await cli(`backup --storage ${q(storage)} --out ${q(backup())} --json`)
    expect(r.stderr).toBe('')
    const summary = JSON.parse(r.stdout) as { whiteouts: number; opaqueDirs: number; entries: number }
    expect(summary).toMatchObject({ whiteouts: 1, opaqueDirs: 1 })
    const listing = await shOk(`tar --xattrs -tvvzf ${q(backup())}`)
    expect(listing).toMatch(/var\/\.wh\.old/)
    expect(listing).toMatch(/opt\/app\/conf\/\.wh\.\.wh\.\.opq/)
  })

  it('restores into an emptied storage: the remounted tree is the same', async () => {
    await shOk(`rm -rf ${q(storage)}/* && ls -A ${q(storage)} | wc -l`)
    const r = await cli(`restore ${q(backup())} --storage ${q(storage)} --yes --json`)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ applied: true })
    const m = await mount()
    expect(await snapshotTree(mnt)).toEqual(expected)
    expect((await shOk(`getfattr --only-values -n user.color ${q(mnt)}/etc/new`)).trim()).toBe('blue')
    expect((await shOk(`stat -c %Y ${q(mnt)}/etc/new`)).trim()).toBe(String(Date.UTC(2001, 1, 3) / 1000 + new Date(2001, 1, 3).getTimezoneOffset() * 60))
    await unmount(m)
  })

  it('restores live into a mounted storage, and the restore can be undone', async () => {
    const m = await mount()
    await shOk(`echo extra > ${q(mnt)}/etc/extra`)
    const r = await cli(`restore ${q(backup())} --storage ${q(storage)} --replace --yes`)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/1 removed/)
    expect(r.stdout).toMatch(/reset --undo' brings it back/)
    // At once through the mount: the storage is the backup again.
    expect(await snapshotTree(mnt)).toEqual(expected)
    const undo = await cli(`reset --storage ${q(storage)} --undo --yes`)
    expect(undo.code, undo.stderr).toBe(0)
    expect(await shOk(`cat ${q(mnt)}/etc/extra`)).toBe('extra\n')
    await unmount(m)
  })

  it('--dry-run shows the plan and changes nothing; without --replace extra changes stay', async () => {
    const before = await hashTree(storage)
    const dry = await cli(`restore ${q(backup())} --storage ${q(storage)} --replace --dry-run`)
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/- \/etc\/extra \(file\)/)
    expect(dry.stdout).toMatch(/dry run: nothing was changed/)
    expect(await hashTree(storage)).toBe(before)
    const merge = await cli(`restore ${q(backup())} --storage ${q(storage)} --yes`)
    expect(merge.stdout).toMatch(/nothing to do/)
    expect(await hashTree(storage)).toBe(before)
  })

  it('--replace removes changes the backup does not have', async () => {
    const noYes = await cli(`restore ${q(backup())} --storage ${q(storage)} --replace`)
    expect(noYes.code).toBe(1)
    expect(noYes.stderr).toMatch(/pass --yes/)
    const r = await cli(`restore ${q(backup())} --storage ${q(storage)} --replace --yes`)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/1 removed/)
    const m = await mount()
    expect(await snapshotTree(mnt)).toEqual(expected)
    await unmount(m)
  })

  it('refuses hostile archives through the CLI, storage unchanged', async () => {
    const before = await hashTree(storage)
    const evil = [
      [writeArchive(`${tmp.path}/dotdot.tgz`, [{ path: '../../escape', data: 'x' }]), /contains '\.\.'/],
      [writeArchive(`${tmp.path}/abs.tgz`, [{ path: '/etc/shadow', data: 'x' }]), /absolute path/],
      [writeArchive(`${tmp.path}/sym.tgz`, [{ path: 'etc', type: TYPE.symlink, linkpath: tmp.path }, { path: 'etc/pwned', data: 'x' }]), /inside a symlink/],
      [writeArchive(`${tmp.path}/blk.tgz`, [{ path: 'disk', type: TYPE.blockDevice, devmajor: 8 }]), /block device/],
    ] as const
    await shOk(`head -c 5000 /dev/urandom > ${q(tmp.path)}/garbage.tgz`)
    for (const [file, message] of [...evil, [`${tmp.path}/garbage.tgz`, /not gzip-compressed/] as const]) {
      const r = await cli(`restore ${q(file)} --storage ${q(storage)} --replace --yes`)
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).toMatch(/nothing was changed/)
    }
    const many = await cli(`restore ${q(backup())} --storage ${q(storage)} --yes --max-entries 3 --json`)
    expect(JSON.parse(many.stdout)).toMatchObject({ error: { problem: 'invalid-input' } })
    const big = await cli(`restore ${q(backup())} --storage ${q(storage)} --yes --max-bytes 10`)
    expect(big.stderr).toMatch(/more than the limit of 10/)
    expect(await hashTree(storage)).toBe(before)
    expect((await sh(`ls ${q(tmp.path)}/escape ${q(tmp.path)}/pwned`)).code).not.toBe(0)
  })
})
