/**
 * Attributes through a real mount: chmod, chown, utimens and extended attributes on base and new
 * entries (each copies a base entry up with its data intact), with the overlay's own
 * trusted.overlay.* attributes hidden and refused. The base is hashed before and after.
 */
import { describe, expect, it } from 'vitest'
import { pyJson, withOverlay, type OverlayFixture } from '@layerdeck/testkit'

const BASE = `
mkdir -p dir/sub
printf 'data\\n' > file
printf 'x' > dir/sub/leaf
ln -s file link
touch -d '2001-02-03 04:05:06' file
setfattr -n user.colour -v blue file
setfattr -n trusted.overlay.secret -v y file
setfattr -n trusted.overlay.opaque -v y dir
`

const onOverlay = (fn: (f: OverlayFixture) => Promise<void>): Promise<void> => withOverlay(BASE, fn)

describe('attributes through the mount', () => {
  it('changes mode and owner of base and new entries, keeping their data', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
out = {}
os.chmod('file', 0o4751)
st = os.stat('file')
out['mode'] = oct(st.st_mode & 0o7777)
out['data'] = slurp('file')
out['mtimeKept'] = int(st.st_mtime) == 981173106
os.chown('dir/sub/leaf', 1234, 5678)
st = os.stat('dir/sub/leaf')
out['owner'] = [st.st_uid, st.st_gid]
out['leaf'] = slurp('dir/sub/leaf')
os.chown('dir', -1, 42)
st = os.stat('dir')
out['groupOnly'] = [st.st_uid, st.st_gid]
out['dirListed'] = os.listdir('dir')
os.lchown('link', 7, 8)
st = os.lstat('link')
out['linkOwner'] = [st.st_uid, st.st_gid]
out['targetOwner'] = os.stat('file').st_uid
os.mkdir('made', 0o700)
os.chmod('made', 0o1777)
out['newDir'] = oct(os.stat('made').st_mode & 0o7777)
out['missing'] = attempt(os.chmod, 'nope', 0o644)
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        mode: '0o4751',
        data: 'data\n',
        mtimeKept: true,
        owner: [1234, 5678],
        leaf: 'x',
        groupOnly: [0, 42],
        dirListed: ['sub'],
        linkOwner: [7, 8],
        targetOwner: 0,
        newDir: '0o1777',
        missing: 'ENOENT',
      })
    })
  })

  it('sets timestamps (same atime and mtime, and now) on base and new files', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
import time
out = {}
os.utime('file', (1500000000, 1500000000))
st = os.stat('file')
out['set'] = [int(st.st_atime), int(st.st_mtime)]
out['data'] = slurp('file')
before = time.time()
os.utime('dir/sub/leaf')
out['now'] = os.stat('dir/sub/leaf').st_mtime >= before - 2
put('fresh', 'f')
os.utime('fresh', (1234567890, 1234567890))
out['fresh'] = int(os.stat('fresh').st_mtime)
out['ms'] = attempt(os.utime, 'fresh', ns=(1600000000123000000, 1600000000123000000))
out['msKept'] = abs(os.stat('fresh').st_mtime_ns - 1600000000123000000) <= 1000000
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        set: [1500000000, 1500000000],
        data: 'data\n',
        now: true,
        fresh: 1234567890,
        ms: 'ok',
        msKept: true,
      })
    })
  })

  // fuse-native 2.2.6 passed atime twice (fixed in patches/fuse-native@2.2.6.patch).
  it('sets atime and mtime independently', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
os.utime('file', (1500000000, 1400000000))
st = os.stat('file')
print(json.dumps([int(st.st_atime), int(st.st_mtime)]))
`,
        { cwd: mnt },
      )
      expect(r).toEqual([1500000000, 1400000000])
    })
  })

  it('gets, sets, lists and removes extended attributes; trusted.overlay.* stays hidden', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
out = {}
out['list'] = sorted(os.listxattr('file'))
out['get'] = os.getxattr('file', 'user.colour').decode()
out['getPrivate'] = attempt(os.getxattr, 'file', 'trusted.overlay.secret')
out['dirList'] = sorted(os.listxattr('dir'))
out['dirStillMerged'] = os.listdir('dir')
out['set'] = attempt(os.setxattr, 'file', 'user.size', b'big')
out['setCreateExisting'] = attempt(os.setxattr, 'file', 'user.size', b'x', os.XATTR_CREATE)
out['setReplaceMissing'] = attempt(os.setxattr, 'file', 'user.none', b'x', os.XATTR_REPLACE)
out['replace'] = attempt(os.setxattr, 'file', 'user.size', b'small', os.XATTR_REPLACE)
out['afterSet'] = sorted(os.listxattr('file'))
out['value'] = os.getxattr('file', 'user.size').decode()
out['data'] = slurp('file')
out['remove'] = attempt(os.removexattr, 'file', 'user.colour')
out['removeMissing'] = attempt(os.removexattr, 'file', 'user.colour')
out['getMissing'] = attempt(os.getxattr, 'file', 'user.colour')
out['afterRemove'] = sorted(os.listxattr('file'))
out['setPrivate'] = attempt(os.setxattr, 'file', 'trusted.overlay.opaque', b'y')
out['setPrivateDir'] = attempt(os.setxattr, 'dir', 'trusted.overlay.redirect', b'/x')
out['removePrivate'] = attempt(os.removexattr, 'file', 'trusted.overlay.secret')
out['trustedOther'] = attempt(os.setxattr, 'dir/sub/leaf', 'trusted.app', b'1')
out['trustedOtherGet'] = os.getxattr('dir/sub/leaf', 'trusted.app').decode()
put('fresh', 'f')
os.setxattr('fresh', 'user.a', b'1')
out['fresh'] = os.listxattr('fresh')
out['bigSet'] = attempt(os.setxattr, 'fresh', 'user.big', b'v' * 3000)
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      // ENOTSUP is EOPNOTSUPP on Linux (95): what kernel overlayfs answers for its own xattrs.
      expect(r).toEqual({
        list: ['user.colour'],
        get: 'blue',
        getPrivate: 'ENOTSUP',
        dirList: [],
        dirStillMerged: ['sub'],
        set: 'ok',
        setCreateExisting: 'EEXIST',
        setReplaceMissing: 'ENODATA',
        replace: 'ok',
        afterSet: ['user.colour', 'user.size'],
        value: 'small',
        data: 'data\n',
        remove: 'ok',
        removeMissing: 'ENODATA',
        getMissing: 'ENODATA',
        afterRemove: ['user.size'],
        setPrivate: 'ENOTSUP',
        setPrivateDir: 'ENOTSUP',
        removePrivate: 'ENOTSUP',
        trustedOther: 'ok',
        trustedOtherGet: '1',
        fresh: ['user.a'],
        bigSet: 'ok',
      })
    })
  })

  // fuse-native 2.2.6 returned the full length instead of -ERANGE when the caller's buffer was
  // too small (fixed in patches/fuse-native@2.2.6.patch); Python starts with 128/256 bytes.
  it('returns values and lists longer than the first buffer a program offers', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
put('fresh', 'f')
os.setxattr('fresh', 'user.big', b'v' * 1000)
for i in range(30): os.setxattr('fresh', 'user.attribute-number-%02d' % i, b'1')
print(json.dumps({'get': len(os.getxattr('fresh', 'user.big')), 'list': len(os.listxattr('fresh'))}))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ get: 1000, list: 31 })
    })
  })

  it('never copies the overlay xattrs of a base entry into storage on copy-up (only its origin is recorded)', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      const r = await pyJson(
        `
os.chmod('${mnt}/file', 0o600)
os.chmod('${mnt}/dir', 0o700)
up = '${storage}/upper/'
print(json.dumps({'file': sorted(os.listxattr(up + 'file')), 'dir': sorted(os.listxattr(up + 'dir'))}))
`,
      )
      // Only LayerDeck's own record of where the copy came from (see storageFormat.ts ORIGIN_XATTR).
      const origin = 'trusted.overlay.layerdeck.origin'
      expect(r).toEqual({ file: [origin, 'user.colour'], dir: [origin] })
    })
  })
})
