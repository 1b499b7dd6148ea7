/**
 * Inode numbers through a real mount: st_ino stays the same for a file across lookups and across
 * its copy-up, in readdir too; the names of a hard link are one file.
 */
import { describe, expect, it } from 'vitest'
import { pyJson, shOk, startMount, withOverlay, type OverlayFixture } from '@layerdeck/testkit'

const BASE = `
mkdir -p etc/sub/deep srv empty gone/inner
echo hosts > etc/hosts
echo conf > etc/sub/app.conf
echo deep > etc/sub/deep/leaf
echo a > srv/a
echo b > srv/b
echo g > gone/inner/x
ln -s hosts etc/hosts.link
`

/** Mounts the standard base, runs the test, and checks the base was not written. */
const onOverlay = (fn: (f: OverlayFixture) => Promise<void>): Promise<void> => withOverlay(BASE, fn)

describe('inode numbers through the mount', () => {
  it('keeps st_ino of a file across lookups and across its copy-up', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
def ino(p): return os.stat(p).st_ino
out = {}
first = {p: ino(p) for p in ['etc/hosts', 'etc/sub', 'srv/a', 'etc/sub/deep/leaf']}
again = {p: ino(p) for p in first}
out['stable'] = first == again
put('etc/hosts', 'more\\n', 'a')
os.chmod('srv/a', 0o600)
os.setxattr('etc/sub/deep/leaf', 'user.k', b'v')
put('etc/sub/new', 'n')
after = {p: ino(p) for p in first}
out['afterCopyUp'] = first == after
out['distinct'] = len(set(after.values()) | {ino('etc/sub/new')}) == 5
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ stable: true, afterCopyUp: true, distinct: true })
    })
  })

  it('keeps st_ino of a new file across rename, and of an open file across copy-up', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
out = {}
put('new', 'n')
before = os.stat('new').st_ino
os.rename('new', 'srv/new')
out['renamedNew'] = os.stat('srv/new').st_ino == before
fd = os.open('etc/sub/app.conf', os.O_RDONLY)
opened = os.fstat(fd).st_ino
put('etc/sub/app.conf', 'changed', 'a')
out['fstatAfterCopyUp'] = os.fstat(fd).st_ino == opened == os.stat('etc/sub/app.conf').st_ino
os.close(fd)
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ renamedNew: true, fstatAfterCopyUp: true })
    })
  })

  // The copy records where it came from (trusted.overlay.layerdeck.origin), like the kernel's
  // trusted.overlay.origin, so a renamed base file or directory keeps its st_ino.
  it('keeps st_ino of a base file across rename', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
before = [os.stat('srv/a').st_ino, os.stat('etc/sub/deep/leaf').st_ino]
os.rename('srv/a', 'srv/a2')
os.rename('etc', 'etc2')
print(json.dumps([os.stat('srv/a2').st_ino == before[0], os.stat('etc2/sub/deep/leaf').st_ino == before[1]]))
`,
        { cwd: mnt },
      )
      expect(r).toEqual([true, true])
    })
  })

  // Every name of a hard link is one kernel inode (one node id in the binding), so link count,
  // mode, owner, ctime and data agree through all names at once, as on kernel overlayfs.
  it('keeps the names of a hard link to a base file one file: count, data, mode, owner at once', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
out = {}
a0 = os.stat('etc/hosts')
os.link('etc/hosts', 'etc/hosts.hard')
a, b = os.stat('etc/hosts'), os.stat('etc/hosts.hard')
out['links'] = [a.st_nlink, b.st_nlink]
out['sameIno'] = a.st_ino == b.st_ino == a0.st_ino
put('etc/hosts.hard', 'via hard\\n', 'a')
out['shared'] = slurp('etc/hosts')
put('etc/hosts', 'via first\\n', 'a')
out['sharedBack'] = slurp('etc/hosts.hard')
os.chmod('etc/hosts.hard', 0o600)
os.chown('etc/hosts.hard', 65534, 65534)
s = os.stat('etc/hosts')
out['attrs'] = [oct(s.st_mode & 0o7777), s.st_uid, s.st_gid]
os.link('etc/hosts', 'etc/third')
out['three'] = [os.stat(p).st_nlink for p in ('etc/hosts', 'etc/hosts.hard', 'etc/third')]
os.unlink('etc/third')
out['afterUnlink'] = [os.stat(p).st_nlink for p in ('etc/hosts', 'etc/hosts.hard')]
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        links: [2, 2],
        sameIno: true,
        shared: 'hosts\nvia hard\n',
        sharedBack: 'hosts\nvia hard\nvia first\n',
        attrs: ['0o600', 65534, 65534],
        three: [3, 3, 3],
        afterUnlink: [2, 2],
      })
    })
  })

  it('keeps a hard link one file across a remount and through the kernel', async () => {
    await onOverlay(async (f) => {
      await pyJson(`os.link('etc/hosts', 'etc/hosts.hard'); print('null')`, { cwd: f.mnt })
      await f.mount.stop()
      const again = await startMount({ base: f.base, storage: f.storage, mountpoint: f.mnt })
      const probe = `
put('etc/hosts.hard', 'again\\n', 'a')
a, b = os.stat('etc/hosts'), os.stat('etc/hosts.hard')
print(json.dumps([a.st_nlink, b.st_nlink, a.st_ino == b.st_ino, slurp('etc/hosts')]))
`
      try {
        expect(await pyJson(probe, { cwd: f.mnt })).toEqual([2, 2, true, 'hosts\nagain\n'])
      } finally {
        await again.stop()
      }
      await shOk(`mount -t overlay overlay -o lowerdir=${f.base},upperdir=${f.storage}/upper,workdir=${f.storage}/work ${f.mnt}`)
      try {
        const kernel = await pyJson<number[][]>(
          `print(json.dumps([[os.stat(p).st_nlink, os.stat(p).st_ino] for p in ('etc/hosts', 'etc/hosts.hard')]))`,
          { cwd: f.mnt },
        )
        expect(kernel[0]?.[0]).toBe(2)
        expect(kernel[0]?.[1]).toBe(kernel[1]?.[1])
      } finally {
        await shOk(`umount ${f.mnt}`)
      }
    })
  })

  it('reports d_ino in readdir equal to st_ino, for base, copied-up and new entries', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
put('etc/hosts', 'more', 'a')
put('etc/new', 'n')
print(json.dumps({e.name: e.inode() == os.lstat('etc/' + e.name).st_ino for e in os.scandir('etc')}))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ hosts: true, 'hosts.link': true, sub: true, new: true })
    })
  })
})
