/**
 * The base of a real device is a read-only squashfs image, often built without xattr support:
 * copy-up from it must work, and the image is never written.
 */
import { writeFileSync } from 'node:fs'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { forceUnmount, sh, shOk, snapshotTree, startMount, tempDir } from '@layerdeck/testkit'

const TESTDATA = new URL('./testdata/', import.meta.url).pathname
const CHANGES = `set -e; cd "$1"; printf 'x\\n' >> etc/hosts && rm etc/passwd && mv etc/net etc/network && chmod 700 etc/init.d/rcS && mkdir -p new/dir && printf 'n\\n' > new/dir/f && truncate -s 2 usr/lib/deep/er/file`

let root: string
let cleanup: () => void

beforeEach(() => {
  const tmp = tempDir('layerdeck-squashfs-')
  root = tmp.path
  cleanup = tmp.cleanup
})

afterEach(async () => {
  forceUnmount(`${root}/mnt`)
  await sh(`umount ${root}/rom 2>/dev/null`)
  cleanup()
})

it('copies up from an xattr-less squashfs image and never writes it', async () => {
  await shOk(`bash ${TESTDATA}makeBase.sh ${root}/src && cp -a ${root}/src ${root}/raw && mkdir -p ${root}/rom ${root}/storage ${root}/mnt`)
  await shOk(`mksquashfs ${root}/src ${root}/image.sqfs -no-xattrs -noappend -quiet >/dev/null`)
  const mounted = await sh(`mount -t squashfs -o loop,ro ${root}/image.sqfs ${root}/rom`)
  if (mounted.code !== 0) {
    console.warn(`skipped: loop devices unavailable (${mounted.stderr.trim()})`)
    return
  }
  const imageHash = await shOk(`sha256sum < ${root}/image.sqfs`)
  writeFileSync(`${root}/changes.sh`, CHANGES)
  await shOk(`bash ${root}/changes.sh ${root}/raw`)
  const mount = await startMount({ base: `${root}/rom`, storage: `${root}/storage`, mountpoint: `${root}/mnt` })
  try {
    const r = await sh(`bash ${root}/changes.sh ${root}/mnt`)
    expect(r.stderr).toBe('')
    expect(await snapshotTree(`${root}/mnt`)).toEqual(await snapshotTree(`${root}/raw`))
    expect((await sh(`getfattr -d -m - ${root}/mnt/etc/hosts`)).stdout).toBe('')
  } finally {
    expect(await mount.stop()).toBe(0)
  }
  await shOk(`umount ${root}/rom`)
  expect(await shOk(`sha256sum < ${root}/image.sqfs`)).toBe(imageHash)
})
