/**
 * Names through a real mount: create, unlink, mkdir, rmdir, rename (files, base directories with
 * children, over existing targets), symlinks, hard links, merged readdir, opaque directories,
 * and long names. Every probe runs in a child process; the base is hashed before
 * and after to prove it was never written.
 */
import { describe, expect, it } from 'vitest'
import { hashTree, pyJson, shOk, withOverlay, type OverlayFixture } from '@layerdeck/testkit'

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

const find = async (dir: string): Promise<string> =>
  shOk(`cd ${JSON.stringify(dir)} && find . -mindepth 1 -printf '%p %y\\n' | LC_ALL=C sort`)

describe('names through the mount', () => {
  it('creates and removes files and directories, base and new alike', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
out = {}
out['unlink'] = attempt(os.unlink, 'etc/hosts')
out['gone'] = os.path.lexists('etc/hosts')
out['unlinkAgain'] = attempt(os.unlink, 'etc/hosts')
put('etc/hosts', 'new\\n')
out['recreated'] = slurp('etc/hosts')
out['etc'] = sorted(os.listdir('etc'))
out['rmdirFull'] = attempt(os.rmdir, 'etc/sub')
out['rmdirEmpty'] = attempt(os.rmdir, 'empty')
out['mkdirAgain'] = attempt(os.mkdir, 'empty')
out['emptyAgain'] = os.listdir('empty')
out['mkdirExisting'] = attempt(os.mkdir, 'srv')
out['unlinkDir'] = attempt(os.unlink, 'srv')
out['rmdirFile'] = attempt(os.rmdir, 'srv/a')
out['mkdirNested'] = attempt(os.makedirs, 'new/a/b')
put('new/a/b/f', 'x')
out['newTree'] = slurp('new/a/b/f')
os.unlink('new/a/b/f'); os.rmdir('new/a/b'); os.rmdir('new/a'); os.rmdir('new')
out['newGone'] = os.path.exists('new')
out['missingParent'] = attempt(os.mkdir, 'nope/child')
out['underFile'] = attempt(os.mkdir, 'srv/a/child')
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        unlink: 'ok',
        gone: false,
        unlinkAgain: 'ENOENT',
        recreated: 'new\n',
        etc: ['hosts', 'hosts.link', 'sub'],
        rmdirFull: 'ENOTEMPTY',
        rmdirEmpty: 'ok',
        mkdirAgain: 'ok',
        emptyAgain: [],
        mkdirExisting: 'EEXIST',
        unlinkDir: 'EISDIR',
        rmdirFile: 'ENOTDIR',
        mkdirNested: 'ok',
        newTree: 'x',
        newGone: false,
        missingParent: 'ENOENT',
        underFile: 'ENOTDIR',
      })
    })
  })

  it('hides a removed base directory that is made again (opaque), and readdir merges both layers', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      await shOk(
        `cd ${mnt} && rm -r gone && mkdir gone && echo n > gone/fresh && echo c > etc/hosts && rm srv/a && touch srv/c`,
      )
      expect(await find(`${mnt}/gone`)).toBe('./fresh f\n')
      const listing = await pyJson(
        "print(json.dumps({d: sorted(os.listdir(d)) for d in ['.', 'etc', 'srv', 'gone']}))",
        { cwd: mnt },
      )
      expect(listing).toEqual({
        '.': ['empty', 'etc', 'gone', 'srv'],
        etc: ['hosts', 'hosts.link', 'sub'],
        srv: ['b', 'c'],
        gone: ['fresh'],
      })
      // No duplicates: raw readdir (unsorted) holds each name once.
      expect(await shOk(`cd ${mnt}/etc && ls -a1U | sort | uniq -d`)).toBe('')
      // The kernel's format: the opaque xattr on the storage copy.
      expect(
        await shOk(`getfattr --only-values -n trusted.overlay.opaque ${storage}/upper/gone`),
      ).toBe('y')
    })
  })

  it('renames files and base directories with their children, over existing targets, without EXDEV', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
out = {}
out['file'] = attempt(os.rename, 'etc/hosts', 'etc/hosts.old')
out['fileData'] = slurp('etc/hosts.old')
out['oldGone'] = os.path.lexists('etc/hosts')
out['overBase'] = attempt(os.rename, 'srv/a', 'srv/b')
out['srv'] = sorted(os.listdir('srv'))
out['srvB'] = slurp('srv/b')
out['dir'] = attempt(os.rename, 'etc', 'etc2')
out['dirOldGone'] = os.path.exists('etc')
out['deep'] = slurp('etc2/sub/deep/leaf')
out['link'] = os.readlink('etc2/hosts.link')
out['dirOverNonEmpty'] = attempt(os.rename, 'etc2', 'srv')
out['dirOverEmpty'] = attempt(os.rename, 'gone', 'empty')
out['emptyHas'] = slurp('empty/inner/x')
out['intoItself'] = attempt(os.rename, 'etc2', 'etc2/sub/x')
out['fileOverDir'] = attempt(os.rename, 'srv/b', 'etc2/sub')
out['dirOverFile'] = attempt(os.rename, 'etc2/sub', 'srv/b')
os.makedirs('made/inner'); put('made/inner/f', 'm')
out['storageDir'] = attempt(os.rename, 'made', 'srv/made')
out['storageDirData'] = slurp('srv/made/inner/f')
out['back'] = attempt(os.rename, 'etc2', 'etc')
out['backData'] = slurp('etc/sub/app.conf')
out['missing'] = attempt(os.rename, 'nope', 'nope2')
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        file: 'ok',
        fileData: 'hosts\n',
        oldGone: false,
        overBase: 'ok',
        srv: ['b'],
        srvB: 'a\n',
        dir: 'ok',
        dirOldGone: false,
        deep: 'deep\n',
        link: 'hosts',
        dirOverNonEmpty: 'ENOTEMPTY',
        dirOverEmpty: 'ok',
        emptyHas: 'g\n',
        intoItself: 'EINVAL',
        fileOverDir: 'EISDIR',
        dirOverFile: 'ENOTDIR',
        storageDir: 'ok',
        storageDirData: 'm',
        back: 'ok',
        backData: 'conf\n',
        missing: 'ENOENT',
      })
      expect(await find(mnt)).toBe(
        [
          './empty d',
          './empty/inner d',
          './empty/inner/x f',
          './etc d',
          './etc/hosts.link l',
          './etc/hosts.old f',
          './etc/sub d',
          './etc/sub/app.conf f',
          './etc/sub/deep d',
          './etc/sub/deep/leaf f',
          './srv d',
          './srv/b f',
          './srv/made d',
          './srv/made/inner d',
          './srv/made/inner/f f',
          '',
        ].join('\n'),
      )
    })
  })

  it('makes symlinks and hard links, including links to base files', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      const r = await pyJson(
        `
out = {}
out['baseLink'] = os.readlink('etc/hosts.link')
out['follow'] = slurp('etc/hosts.link')
out['symlink'] = attempt(os.symlink, '../srv/a', 'etc/to-a')
out['readlink'] = os.readlink('etc/to-a')
out['throughNew'] = slurp('etc/to-a')
out['dangling'] = attempt(os.symlink, '/nowhere', 'dangling')
out['danglingTarget'] = os.readlink('dangling')
out['link'] = attempt(os.link, 'etc/hosts', 'etc/hosts.hard')
out['nlink'] = [os.stat('etc/hosts').st_nlink, os.stat('etc/hosts.hard').st_nlink]
put('etc/hosts.hard', 'via hard\\n', 'a')
out['hard'] = slurp('etc/hosts.hard')
up = '${storage}/upper/etc/'
out['oneInode'] = os.stat(up + 'hosts').st_ino == os.stat(up + 'hosts.hard').st_ino
out['linkExisting'] = attempt(os.link, 'srv/a', 'srv/b')
out['linkDir'] = attempt(os.link, 'srv', 'srv2')
os.unlink('etc/hosts')
out['survivor'] = slurp('etc/hosts.hard')
out['survivorNlink'] = os.stat('etc/hosts.hard').st_nlink
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        baseLink: 'hosts',
        follow: 'hosts\n',
        symlink: 'ok',
        readlink: '../srv/a',
        throughNew: 'a\n',
        dangling: 'ok',
        danglingTarget: '/nowhere',
        link: 'ok',
        nlink: [2, 2],
        hard: 'hosts\nvia hard\n',
        oneInode: true,
        linkExisting: 'EEXIST',
        linkDir: 'EPERM',
        survivor: 'hosts\nvia hard\n',
        survivorNlink: 1,
      })
    })
  })

  it('takes names of 255 bytes and long paths, and refuses 256-byte names', async () => {
    const long = 'L'.repeat(255)
    await withOverlay(
      `echo base > ${long} && mkdir -p dir/${long} && echo x > dir/${long}/${long}`,
      async ({ mnt, base }) => {
        const before = await hashTree(base)
        const r = await pyJson(
          `
out = {}
long = 'L' * 255
out['baseLong'] = slurp(long)
out['copyUpLong'] = attempt(os.chmod, long, 0o600)
out['unlinkLong'] = attempt(os.unlink, long)
out['recreateLong'] = attempt(put, long, 'new')
out['renameDirLong'] = attempt(os.rename, 'dir', 'dir2')
out['deepLong'] = slurp('dir2/' + long + '/' + long)
name = 'n' * 251 + '.txt'
out['len'] = len(name)
out['create'] = attempt(put, name, 'long')
out['read'] = slurp(name)
out['listed'] = name in os.listdir('.')
out['utf8'] = attempt(put, 'é' * 127 + 'x', 'u')
out['tooLong'] = attempt(put, 'n' * 256, 'x')
parts = ['d%03d' % i + 'x' * 60 for i in range(61)]
path = '/'.join(parts)
out['pathLen'] = len(path) > 3900
out['makedirs'] = attempt(os.makedirs, path)
put(path + '/leaf', 'deep')
out['deep'] = slurp(path + '/leaf')
out['renameLong'] = attempt(os.rename, name, parts[0] + '/' + name)
out['moved'] = slurp(parts[0] + '/' + name)
print(json.dumps(out))
`,
          { cwd: mnt },
        )
        expect(r).toEqual({
          baseLong: 'base\n',
          copyUpLong: 'ok',
          unlinkLong: 'ok',
          recreateLong: 'ok',
          renameDirLong: 'ok',
          deepLong: 'x\n',
          len: 255,
          create: 'ok',
          read: 'long',
          listed: true,
          utf8: 'ok',
          tooLong: 'ENAMETOOLONG',
          pathLen: true,
          makedirs: 'ok',
          deep: 'deep',
          renameLong: 'ok',
          moved: 'long',
        })
        expect(await hashTree(base)).toBe(before)
      },
    )
  })
})
