/**
 * The mount serves every user (allow_other) with the kernel's permission checks
 * (default_permissions): probes run as `nobody` (uid/gid 65534, no supplementary groups).
 * A refused write must not copy anything up; entries a user creates belong to that user.
 */
import { describe, expect, it } from 'vitest'
import { pyJson, shOk, withOverlay, type OverlayFixture } from '@layerdeck/testkit'

const NOBODY = 65534

const BASE = `
printf 'public\\n' > public && chmod 644 public
printf 'secret\\n' > secret && chmod 600 secret
printf 'group\\n' > grouped && chown 0:${NOBODY} grouped && chmod 640 grouped
printf 'staff\\n' > staff && chmod 640 staff
printf 'mine\\n' > mine && chown ${NOBODY}:${NOBODY} mine && chmod 644 mine
mkdir private && chmod 700 private && echo hidden > private/file
mkdir shared && chmod 1777 shared && echo roots > shared/roots
mkdir sgid && chown 0:4242 sgid && chmod 2777 sgid
`

const onOverlay = (fn: (f: OverlayFixture) => Promise<void>): Promise<void> => withOverlay(BASE, fn, { reachableByAll: true })

describe('permissions through the mount, as a non-root user', () => {
  it('allows and denies reading per mode bits', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
out = {}
out['uid'] = os.getuid()
for name in ['public', 'secret', 'grouped', 'staff', 'mine', 'private/file']:
    out[name] = attempt(slurp, name)
out['listPrivate'] = attempt(os.listdir, 'private')
out['statInPrivate'] = attempt(lambda: os.stat('private/file') and None)
out['listShared'] = sorted(os.listdir('shared'))
print(json.dumps(out))
`,
        { cwd: mnt, user: NOBODY },
      )
      expect(r).toEqual({
        uid: NOBODY,
        public: 'public\n',
        secret: 'EACCES',
        grouped: 'group\n',
        staff: 'EACCES',
        mine: 'mine\n',
        'private/file': 'EACCES',
        listPrivate: 'EACCES',
        statInPrivate: 'EACCES',
        listShared: ['roots'],
      })
    })
  })

  it('refuses writes to root-owned files without copying anything up', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      const r = await pyJson(
        `
out = {}
out['write'] = attempt(os.open, 'public', os.O_WRONLY)
out['append'] = attempt(put, 'public', 'x', 'a')
out['trunc'] = attempt(os.open, 'public', os.O_RDONLY | os.O_TRUNC)
out['truncate'] = attempt(os.truncate, 'public', 0)
out['create'] = attempt(put, 'new', 'x')
out['mkdir'] = attempt(os.mkdir, 'newdir')
out['unlink'] = attempt(os.unlink, 'public')
out['rename'] = attempt(os.rename, 'public', 'shared/public')
out['chmod'] = attempt(os.chmod, 'public', 0o666)
out['chown'] = attempt(os.chown, 'mine', 0, 0)
out['utime'] = attempt(os.utime, 'public', (1, 1))
out['setxattr'] = attempt(os.setxattr, 'public', 'user.x', b'1')
out['stickyUnlink'] = attempt(os.unlink, 'shared/roots')
out['public'] = slurp('public')
print(json.dumps(out))
`,
        { cwd: mnt, user: NOBODY },
      )
      expect(r).toEqual({
        write: 'EACCES',
        append: 'EACCES',
        trunc: 'EACCES',
        truncate: 'EACCES',
        create: 'EACCES',
        mkdir: 'EACCES',
        unlink: 'EACCES',
        rename: 'EACCES',
        chmod: 'EPERM',
        chown: 'EPERM',
        utime: 'EPERM',
        setxattr: 'EACCES',
        stickyUnlink: 'EPERM',
        public: 'public\n',
      })
      expect(await shOk(`cd ${storage}/upper && find . -mindepth 1`)).toBe('')
    })
  })

  it('lets a user change its own files and create entries that belong to it', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      const r = await pyJson(
        `
def owner(p):
    st = os.lstat(p)
    return [st.st_uid, st.st_gid]
out = {}
out['writeMine'] = attempt(put, 'mine', 'changed\\n', 'a')
out['mine'] = slurp('mine')
out['mineOwner'] = owner('mine')
out['chmodMine'] = attempt(os.chmod, 'mine', 0o600)
out['file'] = attempt(put, 'shared/by-nobody', 'n')
out['fileOwner'] = owner('shared/by-nobody')
out['dir'] = attempt(os.mkdir, 'shared/dir')
out['dirOwner'] = owner('shared/dir')
out['nested'] = attempt(put, 'shared/dir/f', 'f')
out['nestedOwner'] = owner('shared/dir/f')
out['symlink'] = attempt(os.symlink, 'by-nobody', 'shared/link')
out['symlinkOwner'] = owner('shared/link')
out['fifo'] = attempt(os.mkfifo, 'shared/fifo')
out['fifoOwner'] = owner('shared/fifo')
out['sgidFile'] = attempt(put, 'sgid/f', 's')
out['sgidOwner'] = owner('sgid/f')
out['renameOwn'] = attempt(os.rename, 'shared/by-nobody', 'shared/renamed')
out['unlinkOwn'] = attempt(os.unlink, 'shared/renamed')
print(json.dumps(out))
`,
        { cwd: mnt, user: NOBODY },
      )
      const ids = [NOBODY, NOBODY]
      expect(r).toEqual({
        writeMine: 'ok',
        mine: 'mine\nchanged\n',
        mineOwner: ids,
        chmodMine: 'ok',
        file: 'ok',
        fileOwner: ids,
        dir: 'ok',
        dirOwner: ids,
        nested: 'ok',
        nestedOwner: ids,
        symlink: 'ok',
        symlinkOwner: ids,
        fifo: 'ok',
        fifoOwner: ids,
        sgidFile: 'ok',
        sgidOwner: [NOBODY, 4242],
        renameOwn: 'ok',
        unlinkOwn: 'ok',
      })
      // The storage holds the same owners (what a kernel mount of it would show).
      expect(
        await shOk(`stat -c '%u:%g' ${storage}/upper/shared/dir/f ${storage}/upper/mine`),
      ).toBe(`${NOBODY}:${NOBODY}\n${NOBODY}:${NOBODY}\n`)
    })
  })
})
