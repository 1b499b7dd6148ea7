/**
 * The storage is hostile ground: a user of the device (`nobody`) plays the attacker through the
 * mount, and where a careless admin left the storage reachable, directly in it. Nothing outside
 * the storage changes (hashed sentinels), nothing inside it is lost, the device keeps serving.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  LAYERDECK_BIN,
  asUser,
  hashTree,
  pyJson,
  sh,
  shOk,
  startMount,
  tempDir,
  withOverlay,
  type OverlayFixture,
} from '@layerdeck/testkit'
import { createSys } from '../sys/nativeSys.ts'

const NOBODY = 65534

const BASE = `
mkdir -p etc tmp pub/d && chmod 1777 tmp && chmod 777 pub && echo conf > etc/app.conf
echo factory > pub/d/f && chown -R ${NOBODY}:${NOBODY} pub/d
echo shared > pub/shared && chmod 666 pub/shared
printf 'caf\\xe9' > etc/latin1-name && mv etc/latin1-name "etc/$(printf 'caf\\xe9').txt"
`

/** A root-only folder outside the storage, hashed before and after: it must never change. */
async function withSentinel(fn: (dir: string) => Promise<void>): Promise<void> {
  const tmp = tempDir('layerdeck-sentinel-')
  const dir = `${tmp.path}/secret`
  mkdirSync(dir, { mode: 0o700 })
  writeFileSync(`${dir}/f`, 'host file\n', { mode: 0o600 })
  writeFileSync(`${dir}/shadow`, 'root:secret\n', { mode: 0o600 })
  const before = await hashTree(tmp.path)
  try {
    await fn(dir)
    expect(await hashTree(tmp.path)).toBe(before)
    expect(readdirSync(dir).sort()).toEqual(['f', 'shadow'])
  } finally {
    tmp.cleanup()
  }
}

const onOverlay = (fn: (f: OverlayFixture) => Promise<void>): Promise<void> =>
  withOverlay(BASE, fn, { reachableByAll: true })

const cli = (args: string): Promise<{ code: number; stdout: string; stderr: string }> => sh(`${LAYERDECK_BIN} ${args}`)

describe('symlinks made through the mount never lead a command out of the storage', () => {
  it('revert, reset --keep, diff and usage --fits refuse paths through a link', async () => {
    await withSentinel(async (secret) => {
      await onOverlay(async ({ mnt, storage }) => {
        await shOk(asUser(`ln -s ${secret} ${mnt}/tmp/x && rm -r ${mnt}/pub/d && ln -s ${secret} ${mnt}/pub/d`, NOBODY))
        const storageBefore = await hashTree(storage)
        for (const args of [
          `revert --storage ${storage} --added --yes /tmp/x/f`,
          `revert --storage ${storage} --yes /pub/d/f`,
          `diff --storage ${storage} /tmp/x/f`,
          `usage --storage ${storage} --fits /tmp/x/shadow`,
        ]) {
          const r = await cli(args)
          expect(r.code, args).not.toBe(0)
          expect(r.stderr, args).toMatch(/ENOENT|ENOTDIR|no such file|not a directory/i)
        }
        const keep = await cli(`reset --storage ${storage} --keep /tmp/x/f --yes`)
        expect(keep.code).toBe(0)
        // The link itself went with the reset; nothing of the host was copied in.
        expect((await sh(`find ${storage}/upper -name shadow -o -name f -path '*x*'`)).stdout).toBe('')
        expect(storageBefore).not.toBe('')
      })
    })
  })

  it('a link planted inside upper/ is never followed by the daemon (create, append, truncate, unlink, read)', async () => {
    await withSentinel(async (secret) => {
      await onOverlay(async ({ mnt, storage }) => {
        await shOk(asUser(`echo mine > ${mnt}/pub/d/f2`, NOBODY)) // /pub/d now lives in upper/
        // As if nobody could write in the storage: its directory swapped for a link to root's folder.
        await shOk(`mv ${storage}/upper/pub/d ${storage}/upper/pub/d.moved && ln -s ${secret} ${storage}/upper/pub/d`)
        const r = await pyJson(
          `
out = {}
out['create'] = attempt(put, '${mnt}/pub/d/new', 'x')
out['append'] = attempt(put, '${mnt}/pub/d/f', 'x', 'a')
out['truncate'] = attempt(os.truncate, '${mnt}/pub/d/shadow', 0)
out['unlink'] = attempt(os.unlink, '${mnt}/pub/d/shadow')
out['read'] = attempt(lambda: slurp('${mnt}/pub/d/shadow'))
out['list'] = attempt(os.listdir, '${mnt}/pub/d')
print(json.dumps(out))
`,
          { user: NOBODY },
        )
        for (const op of ['create', 'append', 'truncate', 'unlink', 'read']) expect(r[op], op).not.toBe('ok')
        expect(r.read).not.toContain('root:secret')
        expect(JSON.stringify(r.list)).not.toContain('shadow')
        // The daemon still serves everyone else.
        expect(await shOk(`cat ${mnt}/etc/app.conf`)).toBe('conf\n')
      })
    })
  })

  it('a trusted.overlay.redirect that leaves the base is not followed', async () => {
    await withSentinel(async (secret) => {
      await onOverlay(async ({ mnt, base, storage, mount }) => {
        await mount.stop()
        mkdirSync(`${storage}/upper/looks-renamed`)
        createSys().setXattr(`${storage}/upper/looks-renamed`, 'trusted.overlay.redirect', Buffer.from(`/../../../../../..${secret}`))
        const again = await startMount({ base, storage, mountpoint: mnt })
        try {
          expect(await shOk(`ls -A ${mnt}/looks-renamed`)).toBe('')
        } finally {
          await again.stop()
        }
      })
    })
  })
})

describe('names are bytes', () => {
  it('keeps names that are not UTF-8 apart, visible, listed, backed up, reverted and reset', async () => {
    await onOverlay(async ({ mnt, storage, base }) => {
      await shOk(asUser(`cd ${mnt}/pub && printf a > "$(printf 'inv\\xff')" && printf b > "$(printf 'inv\\xfe')" && mkdir "$(printf 'dir\\xff')" && printf c > "$(printf 'dir\\xff/in\\xfe')"`, NOBODY))
      const listed = await shOk(`ls --quoting-style=escape ${mnt}/pub`)
      expect(listed.split('\n')).toEqual(expect.arrayContaining(['inv\\377', 'inv\\376', 'dir\\377']))
      expect(await shOk(`cd ${mnt}/pub && cat "$(printf 'inv\\xff')" "$(printf 'inv\\xfe')"`)).toBe('ab')
      // A base file whose name is Latin-1 is there and reads as in the base.
      expect((await sh(`cmp "${mnt}/etc/$(printf 'caf\\xe9').txt" "${base}/etc/$(printf 'caf\\xe9').txt"`)).code).toBe(0)
      const status = JSON.parse((await shOk(`${LAYERDECK_BIN} status --storage ${storage} --json`))) as { changes: Array<{ path: string }> }
      const paths = status.changes.map((c) => c.path)
      expect(paths).toEqual(expect.arrayContaining(['/pub/inv\udcff', '/pub/inv\udcfe', '/pub/dir\udcff/in\udcfe']))
      const text = await shOk(`${LAYERDECK_BIN} status --storage ${storage}`)
      expect(text).toContain('/pub/inv\\xff')
      const tar = await shOk(`${LAYERDECK_BIN} backup --storage ${storage} --out - 2>/dev/null | tar --quoting-style=escape -tzf -`)
      expect(tar.split('\n')).toEqual(expect.arrayContaining(['pub/inv\\377', 'pub/inv\\376', 'pub/dir\\377/in\\376']))
      await shOk(`${LAYERDECK_BIN} revert --storage ${storage} --added --yes /pub`)
      expect(await shOk(`ls -A ${mnt}/pub | sort`)).toBe('d\nshared\n')
      await shOk(asUser(`printf a > "${mnt}/pub/$(printf 'inv\\xff')"`, NOBODY))
      await shOk(`${LAYERDECK_BIN} reset --storage ${storage} --yes && ${LAYERDECK_BIN} reset --storage ${storage} --purge --yes`)
      expect(readdirSync(`${storage}/work/layerdeck`).filter((n) => n.startsWith('reset-') || n.startsWith('purge-'))).toEqual([])
    })
  })
})

describe('ownership and names', () => {
  it('a hard link made by nobody never gives the file away', async () => {
    await onOverlay(async ({ mnt }) => {
      await shOk(asUser(`ln ${mnt}/pub/shared ${mnt}/pub/mine`, NOBODY))
      const st = statSync(`${mnt}/pub/shared`)
      expect([st.uid, st.nlink]).toEqual([0, 2])
      expect((await sh(asUser(`chmod 600 ${mnt}/pub/mine`, NOBODY))).code).not.toBe(0)
      expect(statSync(`${mnt}/pub/shared`).mode & 0o777).toBe(0o666)
    })
  })

  it('no name is special: a rename to .fuse_hidden* is a rename', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      await shOk(asUser(`mv ${mnt}/pub/d/f ${mnt}/pub/d/.fuse_hidden0123456789abcdef && echo new > ${mnt}/pub/x && mv ${mnt}/pub/x ${mnt}/pub/.fuse_hidden00000000000000aa`, NOBODY))
      expect(await shOk(`cat ${mnt}/pub/d/.fuse_hidden0123456789abcdef ${mnt}/pub/.fuse_hidden00000000000000aa`)).toBe('factory\nnew\n')
      expect(await shOk(`ls -A ${storage}/upper/pub`)).toMatch(/\.fuse_hidden00000000000000aa/)
    })
  })

  it('a user opening files until EMFILE does not stop root or other users from opening files', async () => {
    await onOverlay(async ({ mnt }) => {
      // As many as it can (its own limit, or the daemon's per-user cap), held while others work.
      const holder = sh(
        asUser(
          `python3 -c "
import os, time, errno
fds = []
try:
    while len(fds) < 200000: fds.append(os.open('${mnt}/pub/shared', os.O_RDONLY))
except OSError as e:
    print(len(fds), errno.errorcode[e.errno], flush=True)
time.sleep(3)
"`,
          NOBODY,
        ),
        { timeoutMs: 120_000 },
      )
      await new Promise((r) => setTimeout(r, 2500))
      expect(await shOk(`cat ${mnt}/etc/app.conf`)).toBe('conf\n')
      expect(await shOk(asUser(`cat ${mnt}/etc/app.conf && echo x > ${mnt}/tmp/other`, 1000))).toBe('conf\n')
      const out = (await holder).stdout.trim().split(' ')
      expect(Number(out[0])).toBeGreaterThan(1000)
      expect(out[1]).toMatch(/^E[MN]FILE$/)
    })
  })

  it('makes a storage other users could reach root-only at mount', async () => {
    const tmp = tempDir('layerdeck-loose-')
    try {
      mkdirSync(`${tmp.path}/storage`, { mode: 0o777 })
      await shOk(`chmod 777 ${tmp.path}/storage && chown ${NOBODY} ${tmp.path}/storage`)
      await withOverlay(BASE, async ({ mnt, storage, mount }) => {
        expect(mount.output()).toMatch(/the storage \S+ belonged to uid 65534, who could reach past it: it is root's now/)
        expect(statSync(storage).uid).toBe(0)
        expect(statSync(storage).mode & 0o777).toBe(0o700)
        expect((await sh(asUser(`ls ${storage}/upper`, NOBODY))).code).not.toBe(0)
        expect(await shOk(`stat -c %a ${mnt}`)).toMatch(/^\d+\n$/)
      }, { storage: `${tmp.path}/storage`, reachableByAll: true })
    } finally {
      tmp.cleanup()
    }
  })
})
