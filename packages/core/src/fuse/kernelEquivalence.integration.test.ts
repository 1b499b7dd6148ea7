/**
 * The storage format is the kernel's own: a tree changed through `layerdeck mount` looks the
 * same through kernel overlayfs over the same base and storage, and the reverse. Both must also
 * equal the same changes made to a plain copy of the base.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashTree, sh, shOk, snapshotTree, startMount, tempDir, forceUnmount } from '@layerdeck/testkit'

const TESTDATA = new URL('./testdata/', import.meta.url).pathname

interface Dirs {
  base: string
  storage: string
  mnt: string
  raw: string
}

let dirs: Dirs
let cleanup: () => void

beforeEach(async () => {
  const tmp = tempDir('layerdeck-kernel-')
  cleanup = tmp.cleanup
  dirs = { base: `${tmp.path}/base`, storage: `${tmp.path}/storage`, mnt: `${tmp.path}/mnt`, raw: `${tmp.path}/raw` }
  await shOk(`mkdir -p ${dirs.storage} ${dirs.mnt} && bash ${TESTDATA}makeBase.sh ${dirs.base} && cp -a ${dirs.base} ${dirs.raw}`)
  await shOk(`bash ${TESTDATA}mutate.sh ${dirs.raw}`)
})

afterEach(() => {
  forceUnmount(dirs.mnt)
  cleanup()
})

async function kernelMount(d: Dirs): Promise<void> {
  await shOk(`mkdir -p ${d.storage}/upper ${d.storage}/work && mount -t overlay overlay -o lowerdir=${d.base},upperdir=${d.storage}/upper,workdir=${d.storage}/work ${d.mnt}`)
}

/** User xattrs of every entry (trusted.overlay.* must never show through a mount). */
async function xattrs(root: string): Promise<string> {
  const r = await sh(`cd ${root} && getfattr -R -h -d -m - . 2>/dev/null | grep -v '^$' || true`)
  return r.stdout
}

describe('storage format equivalence with kernel overlayfs', () => {
  it('changes made through layerdeck show the same through the kernel', async () => {
    const baseHash = await hashTree(dirs.base)
    const expected = await snapshotTree(dirs.raw)
    const mount = await startMount({ base: dirs.base, storage: dirs.storage, mountpoint: dirs.mnt })
    try {
      const r = await sh(`bash ${TESTDATA}mutate.sh ${dirs.mnt}`)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(await snapshotTree(dirs.mnt)).toEqual(expected)
      expect(await xattrs(dirs.mnt)).toEqual(await xattrs(dirs.raw))
    } finally {
      expect(await mount.stop()).toBe(0)
    }
    await kernelMount(dirs)
    try {
      expect(await snapshotTree(dirs.mnt)).toEqual(expected)
      expect(await xattrs(dirs.mnt)).toEqual(await xattrs(dirs.raw))
    } finally {
      await shOk(`umount ${dirs.mnt}`)
    }
    expect(await hashTree(dirs.base)).toBe(baseHash)
  })

  it('storage written by kernel overlayfs shows correctly through layerdeck', async () => {
    const baseHash = await hashTree(dirs.base)
    const expected = await snapshotTree(dirs.raw)
    await kernelMount(dirs)
    try {
      await shOk(`bash ${TESTDATA}mutate.sh ${dirs.mnt}`)
      expect(await snapshotTree(dirs.mnt)).toEqual(expected)
    } finally {
      await shOk(`umount ${dirs.mnt}`)
    }
    const mount = await startMount({ base: dirs.base, storage: dirs.storage, mountpoint: dirs.mnt })
    try {
      expect(await snapshotTree(dirs.mnt)).toEqual(expected)
      expect(await xattrs(dirs.mnt)).toEqual(await xattrs(dirs.raw))
    } finally {
      expect(await mount.stop()).toBe(0)
    }
    expect(await hashTree(dirs.base)).toBe(baseHash)
  })

  it('uses the kernel format: whiteouts are 0/0 character devices, opaque dirs carry the xattr', async () => {
    const mount = await startMount({ base: dirs.base, storage: dirs.storage, mountpoint: dirs.mnt })
    try {
      await shOk(`bash ${TESTDATA}mutate.sh ${dirs.mnt}`)
    } finally {
      await mount.stop()
    }
    const upper = `${dirs.storage}/upper`
    expect(await shOk(`stat -c '%F %t:%T' ${upper}/etc/passwd`)).toBe('character special file 0:0\n')
    expect(await shOk(`getfattr -h --only-values -n trusted.overlay.opaque ${upper}/usr/lib/deep`)).toBe('y')
    // Whiteouts are hard links of one shared whiteout in work/.
    expect(Number(await shOk(`stat -c %h ${dirs.storage}/work/layerdeck/whiteout`))).toBeGreaterThan(2)
    // Only changed entries are in storage: an untouched base file is not copied up.
    expect((await sh(`test -e ${upper}/usr/lib/libx.so.1`)).code).toBe(1)
  })

  it('keeps the parent directory timestamps on copy-up, as the kernel does', async () => {
    await shOk(`touch -d '2001-02-03 04:05:06' ${dirs.base}/usr/lib/deep/er ${dirs.base}/usr/lib/deep`)
    const change = `printf 'x' >> ${dirs.mnt}/usr/lib/deep/er/file && stat -c %Y ${dirs.mnt}/usr/lib/deep ${dirs.mnt}/usr/lib/deep/er`
    const mount = await startMount({ base: dirs.base, storage: dirs.storage, mountpoint: dirs.mnt })
    let ours: string
    try {
      ours = await shOk(change)
    } finally {
      await mount.stop()
    }
    await shOk(`rm -rf ${dirs.storage} && mkdir ${dirs.storage}`)
    await kernelMount(dirs)
    try {
      expect(ours).toBe(await shOk(change))
      expect(ours).toBe(`${Date.UTC(2001, 1, 3, 4, 5, 6) / 1000}\n`.repeat(2))
    } finally {
      await shOk(`umount ${dirs.mnt}`)
    }
  })
})
