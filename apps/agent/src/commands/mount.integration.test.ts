/**
 * `layerdeck mount` with bad input, run as a user would: every failure is one line on stderr
 * that says what happened and what to do, the exit code is non-zero, nothing is created and
 * nothing is mounted. How a mount ends: mountLifecycle.integration.test.ts.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, asUser, shOk } from '@layerdeck/testkit'
import { expectOneLineFailure, layerdeck, mountArgs, withDirs, type Dirs } from './testing/mountDirs.ts'

describe('layerdeck mount: bad input', () => {
  const cases: Array<[string, (d: Dirs) => string, RegExp]> = [
    [
      'a missing base',
      (d) => mountArgs(`${d.root}/nope`, d.storage, d.mnt),
      /base \S+\/nope does not exist: create it or fix --base/,
    ],
    [
      'a base that is a file',
      (d) => mountArgs(`${d.base}/file`, d.storage, d.mnt),
      /base \S+ is not a directory: --base needs a directory/,
    ],
    [
      'a missing storage',
      (d) => mountArgs(d.base, `${d.root}/nope`, d.mnt),
      /storage \S+\/nope does not exist: create it or fix --storage/,
    ],
    [
      'a storage that is a file',
      (d) => mountArgs(d.base, `${d.base}/file`, d.mnt),
      /storage \S+ is not a directory/,
    ],
    [
      'a missing mount point',
      (d) => mountArgs(d.base, d.storage, `${d.root}/nope`),
      /mount point \S+\/nope does not exist: create it/,
    ],
    [
      'a mount point that is a file',
      (d) => mountArgs(d.base, d.storage, `${d.base}/file`),
      /mount point \S+ is not a directory/,
    ],
    [
      'a mount point that is the base itself',
      (d) => mountArgs(d.base, d.storage, d.base),
      /mount point \S+ is the base itself: bind the base elsewhere first/,
    ],
    [
      'a mount point inside the base (the overlay would contain itself)',
      (d) => (mkdirSync(`${d.base}/sub`), mountArgs(d.base, d.storage, `${d.base}/sub`)),
      /mount point \S+\/sub is inside the base: bind the base elsewhere first/,
    ],
    [
      'a mount point that is not empty',
      (d) => (writeFileSync(`${d.mnt}/keep`, 'x'), mountArgs(d.base, d.storage, d.mnt)),
      /mount point \S+ is not empty: mount on an empty directory/,
    ],
    [
      'no --base',
      (d) => `mount --storage ${d.storage} ${d.mnt}`,
      /required option '--base <dir>' not specified \(see layerdeck mount --help\)/,
    ],
    [
      'no --storage',
      (d) => `mount --base ${d.base} ${d.mnt}`,
      /required option '--storage <dir>' not specified/,
    ],
    [
      'no mount point',
      (d) => `mount --base ${d.base} --storage ${d.storage}`,
      /missing required argument 'mountpoint'/,
    ],
    [
      'an unknown flag',
      (d) => `mount --base ${d.base} --storage ${d.storage} --bogus ${d.mnt}`,
      /unknown option '--bogus'/,
    ],
  ]
  it.each(cases)('fails on %s', async (_name, args, message) => {
    await withDirs(async (d) => expectOneLineFailure(await layerdeck(args(d)), message, d))
  })

  it('fails on a storage inside the base, a base inside the storage and a mount point inside the storage', async () => {
    await withDirs(async (d) => {
      mkdirSync(`${d.base}/storage`)
      mkdirSync(`${d.storage}/base`)
      mkdirSync(`${d.storage}/mnt`)
      const overlap = /overlap: put the storage on its own directory outside the base/
      expectOneLineFailure(
        await layerdeck(mountArgs(d.base, `${d.base}/storage`, d.mnt)),
        overlap,
        d,
        `${d.base}/storage`,
      )
      const r = await layerdeck(mountArgs(`${d.storage}/base`, d.storage, d.mnt))
      expect(r.stderr).toMatch(overlap)
      expect(r.code).not.toBe(0)
      const r2 = await layerdeck(mountArgs(d.base, d.storage, `${d.storage}/mnt`))
      expect(r2.stderr).toMatch(/overlap: mount somewhere outside the storage\n$/)
      expect(readdirSync(d.storage).sort()).toEqual(['base', 'mnt'])
    })
  })

  it('fails on a non-empty storage that is not in overlayfs format', async () => {
    await withDirs(async (d) => {
      writeFileSync(`${d.storage}/notes.txt`, 'not a storage')
      const r = await layerdeck(mountArgs(d.base, d.storage, d.mnt))
      expectOneLineFailure(
        r,
        /is not empty and has no upper\/ folder \(found notes\.txt\): give an empty directory/,
        d,
      )
      expect(readdirSync(d.storage)).toEqual(['notes.txt'])
    })
  })

  it('fails on a mount point that is already mounted', async () => {
    await withDirs(async (d) => {
      await shOk(`mount -t tmpfs tmpfs ${d.mnt}`)
      try {
        const r = await layerdeck(mountArgs(d.base, d.storage, d.mnt))
        expect(r.code).not.toBe(0)
        expect(r.stderr).toMatch(
          /^layerdeck: \S+ is already a mount point: unmount it first \(fusermount -u \S+\) or pick another\n$/,
        )
        expect(readdirSync(d.storage)).toEqual([])
      } finally {
        await shOk(`umount ${d.mnt}`)
      }
    })
  })

  it('fails when not run as root', async () => {
    await withDirs(async (d) => {
      const r = await layerdeck(mountArgs(d.base, d.storage, d.mnt), (c) => asUser(c, 65534))
      expectOneLineFailure(r, /mounting needs root .*: run it with sudo or as root/, d)
    })
  })

  it('fails when /dev/fuse is missing (a mount namespace with an empty /dev)', async () => {
    await withDirs(async (d) => {
      const r = await layerdeck(
        mountArgs(d.base, d.storage, d.mnt),
        (c) => `unshare --mount bash -c 'mount -t tmpfs tmpfs /dev && ${c}'`,
      )
      expectOneLineFailure(
        r,
        /\/dev\/fuse is missing: load the fuse kernel module \(modprobe fuse\)/,
        d,
      )
    })
  })

  it('fails when libfuse3.so.3 cannot be loaded (hidden in a mount namespace)', async () => {
    const lib = (
      await shOk(`readlink -f "$(ldconfig -p | awk '/libfuse3\\.so\\.3 /{print $NF; exit}')"`)
    ).trim()
    await withDirs(async (d) => {
      const r = await layerdeck(
        mountArgs(d.base, d.storage, d.mnt),
        (c) => `unshare --mount bash -c 'mount --bind /dev/null ${lib} && ${c}'`,
      )
      expectOneLineFailure(
        r,
        /libfuse3\.so\.3 is missing: install it \(Debian: apt-get install -y fuse3/,
        d,
      )
    })
  })

  it('describes every flag in --help', async () => {
    const top = await shOk(`${LAYERDECK_BIN} --help`)
    expect(top).toMatch(/^Usage: layerdeck \[options\] \[command\]/)
    expect(top).toMatch(
      /\n {2}mount \[options\] <mountpoint> +merge BASE \(read-only\) and STORAGE \(writable\)/,
    )
    expect(top).toMatch(/\n {2}-h, --help +display help for command/)
    const help = await shOk(`${LAYERDECK_BIN} mount --help`)
    expect(help).toMatch(/^Usage: layerdeck mount \[options\] <mountpoint>/)
    expect(help).toMatch(/\n {2}mountpoint +an existing empty directory to mount on/)
    expect(help).toMatch(/\n {2}--base <dir> +the read-only base directory \(never written\)/)
    expect(help).toMatch(/\n {2}--storage <dir> +the writable storage directory/)
    expect(help).toMatch(/\n {2}-h, --help +display help for command/)
    expect(help).toMatch(/SIGINT or SIGTERM/)
    // Every option line of both help texts carries a description.
    for (const text of [top, help]) {
      const options = text.split('Options:\n')[1]?.split('\n\n')[0] ?? ''
      for (const line of options.split('\n').filter((l) => /^ {2}-/.test(l)))
        expect(line).toMatch(/^ {2}-\S.* {2,}\S/)
    }
  })
})

