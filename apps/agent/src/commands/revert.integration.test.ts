/**
 * revert through the real CLI: live through the mount's daemon (no unmount, a process holding
 * the file open keeps sane reads), on an unmounted storage, refused on a kernel-mounted storage
 * with --at-next-boot applied by the next `layerdeck mount`.
 */
import { mkdirSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, sh, shOk, startMount, tempDir, type MountProcess } from '@layerdeck/testkit'

const layerdeck = (args: string): Promise<string> => shOk(`${LAYERDECK_BIN} ${args}`)

describe('revert', () => {
  let tmp: ReturnType<typeof tempDir>
  let base: string
  let storage: string
  let mnt: string
  let mount: MountProcess | undefined
  const status = async (): Promise<string[]> =>
    (
      JSON.parse(await layerdeck(`status --storage ${storage} --base ${base} --json`)) as {
        changes: Array<{ path: string; state: string }>
      }
    ).changes.map((c) => `${c.path} ${c.state}`)

  beforeEach(async () => {
    tmp = tempDir()
    ;({ path: base } = { path: `${tmp.path}/base` })
    storage = `${tmp.path}/storage`
    mnt = `${tmp.path}/mnt`
    for (const d of [base, storage, mnt]) mkdirSync(d)
    await shOk(
      `cd ${base} && mkdir -p etc/net && echo base-hosts > etc/hosts && echo hi > etc/motd && echo a > etc/net/a && echo b > etc/net/b`,
    )
    mount = await startMount({ base, storage, mountpoint: mnt })
    await shOk(
      `cd ${mnt} && echo changed > etc/hosts && rm etc/motd && echo A > etc/net/a && rm etc/net/b && echo n > etc/net/new`,
    )
  })
  afterEach(async () => {
    await mount?.stop()
    tmp.cleanup()
  })

  it('reverts live through the mount while a process holds the file open', async () => {
    const holder = sh(`exec 3<${mnt}/etc/hosts; sleep 4; cat <&3`)
    await new Promise((r) => setTimeout(r, 500))
    const out = await layerdeck(`revert --storage ${storage} ${mnt}/etc/hosts /etc/motd --yes`)
    expect(out).toBe(
      '/etc/hosts: base version restored\n/etc/motd: undeleted (base version back)\n',
    )
    // The held descriptor keeps reading the data it opened (no error, no mix).
    expect(await holder).toMatchObject({ code: 0, stdout: 'changed\n' })
    // The very next open, stat and readdir through the mount show the base version.
    expect(await shOk(`cat ${mnt}/etc/hosts; stat -c %s ${mnt}/etc/hosts; ls ${mnt}/etc`)).toBe(
      'base-hosts\n11\nhosts\nmotd\nnet\n',
    )
    expect(mount!.child.exitCode).toBeNull()
  })

  it('refuses to touch the storage directly when the daemon runs but does not answer', async () => {
    await shOk(`mv ${storage}/work/layerdeck/control.sock ${tmp.path}/sock.aside`)
    try {
      const r = await sh(
        `${LAYERDECK_BIN} revert --storage ${storage} --base ${base} /etc/hosts --yes`,
      )
      expect(r.stderr).toMatch(/serves this storage at .* but its control socket does not answer/)
      expect(await shOk(`cat ${mnt}/etc/hosts`)).toBe('changed\n')
    } finally {
      await shOk(`mv ${tmp.path}/sock.aside ${storage}/work/layerdeck/control.sock`)
    }
  })

  it('reverts a subtree, keeping storage-only files unless --added', async () => {
    await layerdeck(`revert --storage ${storage} /etc/net --yes`)
    expect(await shOk(`ls ${mnt}/etc/net; cat ${mnt}/etc/net/a`)).toBe('a\nb\nnew\na\n')
    const refused = await sh(`${LAYERDECK_BIN} revert --storage ${storage} /etc/net/new --yes`)
    expect(refused.stderr).toMatch(/exists only in storage \(added\): give --added/)
    await layerdeck(`revert --storage ${storage} /etc/net/new --added --yes`)
    expect(await shOk(`ls ${mnt}/etc/net`)).toBe('a\nb\n')
  })

  it('asks for confirmation: refuses without --yes when stdin is not a terminal; --dry-run changes nothing', async () => {
    const r = await sh(`${LAYERDECK_BIN} revert --storage ${storage} /etc/hosts < /dev/null`)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/needs confirmation and stdin is not a terminal: add --yes/)
    expect(await layerdeck(`revert --storage ${storage} /etc/hosts --dry-run`)).toBe(
      'would revert /etc/hosts: base version restored\n',
    )
    expect(await shOk(`cat ${mnt}/etc/hosts`)).toBe('changed\n')
  })

  it('works on an unmounted storage; bad paths change nothing', async () => {
    await mount?.stop()
    mount = undefined
    const before = await status()
    for (const bad of ['/etc/../etc/hosts', '/etc/missing', 'relative/x']) {
      const r = await sh(
        `${LAYERDECK_BIN} revert --storage ${storage} --base ${base} /etc/hosts ${bad} --yes`,
      )
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/EINVAL|ENOENT/)
    }
    expect(await status()).toEqual(before)
    await layerdeck(`revert --storage ${storage} --base ${base} / --added --yes`)
    expect(await status()).toEqual([])
  })

  it('refuses on a kernel-mounted storage and records --at-next-boot for the next mount', async () => {
    await mount?.stop()
    mount = undefined
    const kmnt = `${tmp.path}/kmnt`
    mkdirSync(kmnt)
    await shOk(
      `mount -t overlay overlay -o lowerdir=${base},upperdir=${storage}/upper,workdir=${storage}/work ${kmnt}`,
    )
    try {
      const r = await sh(`${LAYERDECK_BIN} revert --storage ${storage} /etc/hosts --yes`)
      expect(r.stderr).toMatch(
        /the kernel has this storage mounted at .*kmnt; changing it under a live overlay mount is undefined.*--at-next-boot/,
      )
      expect(
        await layerdeck(`revert --storage ${storage} ${kmnt}/etc/hosts --at-next-boot`),
      ).toMatch(/will be reverted at the next 'layerdeck mount'/)
      expect(await shOk(`cat ${kmnt}/etc/hosts`)).toBe('changed\n')
    } finally {
      await shOk(`umount ${kmnt}`)
    }
    mount = await startMount({ base, storage, mountpoint: mnt })
    expect(mount.output()).toMatch(/applied the recorded revert of \/etc\/hosts/)
    expect(await shOk(`cat ${mnt}/etc/hosts`)).toBe('base-hosts\n')
  })
})
