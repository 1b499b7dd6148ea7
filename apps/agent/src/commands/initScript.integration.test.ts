/**
 * The generated init script booted as PID 1 of a new mount and PID namespace over a busybox
 * root filesystem, with a test init as the "real init": init runs on the overlay and its writes
 * land in storage; a broken or missing storage device gives the documented fallback (plain
 * read-only system, a clear console message, the state recorded), never a hang.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, hashTree, sh, shOk, tempDir } from '@layerdeck/testkit'
import { bootInNamespace } from '../boot/testing/bootNamespace.ts'
import { buildBusyboxRootfs, LAYERDECK_DIR } from '../boot/testing/busyboxRootfs.ts'

/** The "real init": says where it runs, writes and deletes a file, shows the recorded state. */
const TEST_INIT = `#!/bin/sh
echo "test-init: pid $$"
echo "test-init: root $(awk '$5 == "/" { print $(NF - 2) }' /proc/self/mountinfo | tail -n 1)"
if echo "written by init" > /etc/init-was-here 2> /dev/null && rm /etc/motd; then
  echo "test-init: wrote"
else
  echo "test-init: root is read-only"
fi
cat /run/layerdeck/state
`

let dir: ReturnType<typeof tempDir>
let rootfs: string
let baseHash: string
const loops: string[] = []

/**
 * An image file on a loop device: ext4 when `format`, else zeros (a corrupt storage); `fill` is a
 * shell script run in the mounted filesystem first.
 */
async function loopDevice(name: string, format: boolean, fill?: string): Promise<string> {
  const image = join(dir.path, name)
  await shOk(`truncate -s 32M ${image}${format ? ` && mkfs.ext4 -q -F ${image}` : ''}`)
  const loop = (await shOk(`losetup -f --show ${image}`)).trim()
  loops.push(loop)
  if (fill !== undefined) {
    const mnt = `${image}.mnt`
    mkdirSync(mnt)
    await shOk(`mount ${loop} ${mnt} && (cd ${mnt} && ${fill}); umount ${mnt}`)
  }
  return loop
}

beforeAll(async () => {
  dir = tempDir('layerdeck-boot-')
  rootfs = join(dir.path, 'rootfs')
  mkdirSync(rootfs)
  buildBusyboxRootfs(rootfs, { 'sbin/test-init': TEST_INIT })
  const generate = [
    'init-script',
    '--out',
    join(rootfs, 'sbin/overlay_init'),
    '--layerdeck',
    `${LAYERDECK_DIR}/bin/layerdeck`,
  ]
  generate.push('--real-init', '/sbin/test-init', '--storage-fs', 'ext4', '--device-wait', '2')
  await new Promise<void>((resolve, reject) =>
    execFile(LAYERDECK_BIN, generate, (err, _out, stderr) =>
      err === null ? resolve() : reject(new Error(stderr)),
    ),
  )
  baseHash = await hashTree(rootfs)
})

afterAll(async () => {
  for (const loop of loops) await sh(`losetup -d ${loop}`)
  dir.cleanup()
})

describe('overlay_init: the whole system on the overlay', () => {
  it('writes a script that dash and busybox sh both parse', async () => {
    const script = join(rootfs, 'sbin/overlay_init')
    expect(
      await sh(`sh -n ${script} && busybox sh -n ${script} && test -x ${script}`),
    ).toMatchObject({ code: 0 })
  })

  it('boots init on the overlay: its writes land in storage, the base is unchanged', async () => {
    const device = await loopDevice('storage.img', true)
    const boot = await bootInNamespace(rootfs, `quiet layerdeck.storage=${device}`)
    console.info(`boot on the overlay (node + mount + init): ${boot.ms} ms`)
    expect(boot.console).toContain(
      `layerdeck: running /sbin/test-init on the overlay: ${device} over /`,
    )
    expect(boot.console).toContain('test-init: pid 1\n')
    expect(boot.console).toContain('test-init: root fuse.layerdeck\n')
    expect(boot.console).toContain('test-init: wrote\n')
    expect(boot.console).toMatch(/^state=running\nreason=\nmessage=\nstorage_kind=device\n/m)
    expect(boot.code).toBe(0)
    const check = join(dir.path, 'check')
    mkdirSync(check)
    try {
      await shOk(`mount -o ro ${device} ${check}`)
      expect(
        await shOk(
          `cat ${check}/upper/etc/init-was-here; stat -c '%F %t:%T' ${check}/upper/etc/motd`,
        ),
      ).toBe('written by init\ncharacter special file 0:0\n')
    } finally {
      await sh(`umount ${check}`)
    }
    expect(await hashTree(rootfs)).toBe(baseHash)
  })
})

describe('overlay_init: a broken storage falls back, never hangs', () => {
  it('falls back to the read-only system with a clear message when the storage is corrupt', async () => {
    const device = await loopDevice('corrupt.img', false)
    const boot = await bootInNamespace(rootfs, `layerdeck.storage=${device}`)
    expect(boot.console).toContain(
      `layerdeck: the storage ${device} is damaged and e2fsck -p cannot repair it (exit 8: `,
    )
    expect(boot.console).toContain(
      'layerdeck: booting the plain read-only system: changes are not kept\n',
    )
    expect(boot.console).toContain(
      'test-init: pid 1\ntest-init: root ext4\ntest-init: root is read-only\n',
    )
    expect(boot.console).toMatch(/^state=fallback\nreason=storage-corrupt\n/m)
    const stateFile = join(dir.path, 'corrupt.state')
    writeFileSync(stateFile, /^state=[^]*?^uptime=.*$/m.exec(boot.console)?.[0] ?? '')
    const status = await sh(`${LAYERDECK_BIN} boot-status --state ${stateFile}`)
    expect(status.code).toBe(2)
    expect(status.stdout).toMatch(/^state: fallback \(storage-corrupt\)\nmessage: the storage /)
    expect(boot.console).not.toContain('tmpfs')
    expect(boot.code).toBe(0)
    expect(await hashTree(rootfs)).toBe(baseHash)
  })

  it('boots degraded, and says so, on a full storage', async () => {
    const device = await loopDevice(
      'full.img',
      true,
      'mkdir upper work && (dd if=/dev/zero of=filler bs=1M 2> /dev/null || true)',
    )
    const boot = await bootInNamespace(rootfs, `layerdeck.storage=${device}`)
    expect(boot.console).toMatch(
      /layerdeck: the storage \/dev\/loop\d+ is full \(\d+ KiB free\): the system runs on it, but writes fail/,
    )
    expect(boot.console).toContain('test-init: root fuse.layerdeck\n')
    expect(boot.console).toMatch(/^state=degraded\nreason=storage-full\n/m)
  })

  it("falls back with the daemon's own words when the device is not a storage", async () => {
    const device = await loopDevice('stranger.img', true, 'echo data > stranger')
    const boot = await bootInNamespace(rootfs, `layerdeck.storage=${device}`)
    expect(boot.console).toMatch(
      /layerdeck: layerdeck mount stopped before mounting: .*is not empty and has no upper\/ folder \(found stranger/,
    )
    expect(boot.console).toMatch(/^state=fallback\nreason=daemon-failed\n/m)
    expect(boot.console).toContain('test-init: root is read-only\n')
    expect(await hashTree(rootfs)).toBe(baseHash)
  })
})

describe('overlay_init: kernel command line', () => {
  it('waits a bounded time for a missing storage device, then falls back', async () => {
    const boot = await bootInNamespace(
      rootfs,
      'layerdeck.storage=/dev/layerdeck-missing layerdeck.wait=1',
    )
    expect(boot.console).toContain(
      'layerdeck: the storage device /dev/layerdeck-missing did not appear within 1s',
    )
    expect(boot.console).toMatch(/^state=fallback\nreason=storage-missing\n/m)
    expect(boot.console).toContain('test-init: root is read-only\n')
    expect(boot.ms).toBeLessThan(10_000)
  })

  it('runs on RAM storage only when asked (layerdeck.tmpfs=SIZE), and says so', async () => {
    const boot = await bootInNamespace(rootfs, 'layerdeck.tmpfs=8M')
    expect(boot.console).toContain(
      'layerdeck: the storage is a tmpfs of 8M: changes are lost at reboot\n',
    )
    expect(boot.console).toContain('test-init: root fuse.layerdeck\ntest-init: wrote\n')
    expect(boot.console).toMatch(/^state=running\n(.*\n){2}storage_kind=tmpfs\n/m)
    expect(await hashTree(rootfs)).toBe(baseHash)
  })

  it('boots the plain system when layerdeck.disable=1', async () => {
    const boot = await bootInNamespace(rootfs, 'layerdeck.disable=1 layerdeck.tmpfs=8M')
    expect(boot.console).toContain(
      'layerdeck: layerdeck.disable=1 on the kernel command line: booting the plain read-only system\n',
    )
    expect(boot.console).toMatch(/^state=disabled\n/m)
    expect(boot.console).toContain('test-init: root is read-only\n')
  })
})
