/**
 * Storage full: the storage is an 8 MiB tmpfs. A copy-up that cannot fit fails at once with
 * ENOSPC and the base version stays visible; writing until the storage is full ends in ENOSPC,
 * files keep their previous content, nothing is left half-staged, and the mount stays usable.
 */
import { describe, expect, it } from 'vitest'
import {
  hashTree,
  pyJson,
  shOk,
  startMount,
  tempDir,
  withOverlay,
  type OverlayFixture,
} from '@layerdeck/testkit'

const BASE = `
head -c $((16 << 20)) /dev/urandom > big
printf 'abc' > small
head -c 700000 /dev/urandom > medium
mkdir tree && for i in 1 2 3; do head -c $((3 << 20)) /dev/urandom > tree/part$i; done
`

/** Mounts the overlay with its storage on a fresh 8 MiB tmpfs; unmounts the tmpfs afterwards. */
async function onFullableOverlay(fn: (f: OverlayFixture) => Promise<void>): Promise<void> {
  const tmpfs = tempDir('layerdeck-tmpfs-')
  await shOk(`mount -t tmpfs -o size=8m,mode=755 tmpfs ${tmpfs.path}`)
  const cleanup = async (): Promise<void> => {
    await shOk(`umount ${tmpfs.path} || umount -l ${tmpfs.path}`)
    tmpfs.cleanup()
  }
  await withOverlay(
    BASE,
    async (f) => {
      const before = await hashTree(f.base)
      await fn(f)
      expect(await hashTree(f.base)).toBe(before)
    },
    { storage: tmpfs.path, cleanup },
  )
}

/** Python: what is left in the staging folder, and how much of the storage is used. */
const STORAGE_STATE = (storage: string): string => `
def staged(): return [n for n in os.listdir('${storage}/work/layerdeck') if n.startswith('stage-')]
def used():
    s = os.statvfs('${storage}')
    return (s.f_blocks - s.f_bfree) * s.f_frsize
`

describe('storage full', () => {
  it('fails a copy-up that cannot fit at once, keeps the base version, and stays usable', async () => {
    await onFullableOverlay(async ({ mnt, base, storage }) => {
      const r = await pyJson(
        `${STORAGE_STATE(storage)}
import hashlib, time
def digest(p): return hashlib.sha256(open(p, 'rb').read()).hexdigest()
out = {}
m = os.statvfs('.')
out['statfsSize'] = m.f_blocks * m.f_frsize
t = time.time()
out['openWrite'] = attempt(os.open, 'big', os.O_WRONLY)
out['fast'] = time.time() - t < 0.5
out['append'] = attempt(put, 'big', 'x', 'a')
out['truncate'] = attempt(os.truncate, 'big', 100)
out['chmod'] = attempt(os.chmod, 'big', 0o600)
out['baseVisible'] = digest('big') == digest('${base}/big')
out['size'] = os.stat('big').st_size
out['staged'] = staged()
out['usedLittle'] = used() < (1 << 20)
out['newFile'] = attempt(put, 'note', 'still works')
out['smallCopyUp'] = attempt(put, 'small', 'def', 'a')
out['read'] = [slurp('note'), slurp('small')]
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        statfsSize: 8 << 20,
        openWrite: 'ENOSPC',
        fast: true,
        append: 'ENOSPC',
        truncate: 'ENOSPC',
        chmod: 'ENOSPC',
        baseVisible: true,
        size: 16 << 20,
        staged: [],
        usedLittle: true,
        newFile: 'ok',
        smallCopyUp: 'ok',
        read: ['still works', 'abcdef'],
      })
    })
  })

  it('ends a write that fills the storage with ENOSPC; files keep their content; freeing space heals', async () => {
    await onFullableOverlay(async ({ mnt, storage }) => {
      const r = await pyJson(
        `${STORAGE_STATE(storage)}
out = {}
put('keep', 'previous content')
fd = os.open('fill', os.O_CREAT | os.O_WRONLY, 0o644)
chunk, written, error = b'z' * 65536, 0, None
while error is None:
    try:
        n = os.write(fd, chunk)
        written += n
    except OSError as e:
        error = errno.errorcode[e.errno]
out['fillError'] = error
out['filledMost'] = written > (6 << 20)
out['fsyncFill'] = attempt(os.fsync, fd)
os.close(fd)
out['fillSize'] = os.stat('fill').st_size == written
fd = os.open('keep', os.O_WRONLY | os.O_APPEND)
try:
    n = 0
    while True: n += os.write(fd, chunk)
except OSError as e:
    out['appendError'] = errno.errorcode[e.errno]
os.close(fd)
out['keepPrefix'] = slurp('keep')[:16]
out['copyUpSmall'] = attempt(put, 'small', 'def', 'a')
out['small'] = slurp('small')
out['staged'] = staged()
out['readFill'] = len(slurp('fill')) == written
os.unlink('fill')
out['afterFree'] = attempt(put, 'small', 'def', 'a')
out['smallAfter'] = slurp('small')
out['rewrite'] = attempt(put, 'keep', 'new content')
out['keep'] = slurp('keep')
out['stagedAfter'] = staged()
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        fillError: 'ENOSPC',
        filledMost: true,
        fsyncFill: 'ok',
        fillSize: true,
        appendError: 'ENOSPC',
        keepPrefix: 'previous content',
        copyUpSmall: 'ENOSPC',
        small: 'abc',
        staged: [],
        readFill: true,
        afterFree: 'ok',
        smallAfter: 'abcdef',
        rewrite: 'ok',
        keep: 'new content',
        stagedAfter: [],
      })
    })
  })

  it('fails the rename of a base directory that cannot fit with ENOSPC and leaves it whole', async () => {
    await onFullableOverlay(async ({ mnt, storage }) => {
      const r = await pyJson(
        `${STORAGE_STATE(storage)}
out = {}
out['rename'] = attempt(os.rename, 'tree', 'moved')
out['tree'] = sorted(os.listdir('tree'))
out['sizes'] = [os.stat('tree/' + n).st_size for n in sorted(os.listdir('tree'))]
out['moved'] = os.path.exists('moved')
out['staged'] = staged()
out['usedLittle'] = used() < (1 << 20)
out['smallRename'] = attempt(os.rename, 'small', 'small2')
out['small2'] = slurp('small2')
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        rename: 'ENOSPC',
        tree: ['part1', 'part2', 'part3'],
        sizes: [3 << 20, 3 << 20, 3 << 20],
        moved: false,
        staged: [],
        usedLittle: true,
        smallRename: 'ok',
        small2: 'abc',
      })
    })
  })

  it('removes and replaces base files that are open without copying them up', async () => {
    await onFullableOverlay(async ({ mnt, base, storage }) => {
      const r = await pyJson(
        `${STORAGE_STATE(storage)}
import hashlib
def digest(data): return hashlib.sha256(data).hexdigest()
out = {}
fd = os.open('big', os.O_RDONLY)
out['rm'] = attempt(os.unlink, 'big')
out['gone'] = 'big' not in os.listdir('.')
out['stillReads'] = digest(os.pread(fd, 32 << 20, 0)) == digest(open('${base}/big', 'rb').read())
os.close(fd)
fd = os.open('small', os.O_RDONLY)
put('small.new', 'upgraded')
out['replace'] = attempt(os.rename, 'small.new', 'small')
out['oldReads'] = os.pread(fd, 100, 0).decode()
os.close(fd)
out['small'] = slurp('small')
out['usedLittle'] = used() < (1 << 20)
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        rm: 'ok',
        gone: true,
        stillReads: true,
        replace: 'ok',
        oldReads: 'abc',
        small: 'upgraded',
        usedLittle: true,
      })
    })
  })
})

describe('a copy-up that runs out of space half way', () => {
  it('fails whole with ENOSPC: nothing lands in upper/ and the mount keeps serving the base file', async () => {
    await onFullableOverlay(async ({ mnt, base, storage }) => {
      const r = await pyJson(
        `
import hashlib
def digest(p): return hashlib.sha256(open(p, 'rb').read()).hexdigest()
out = {}
# Leave about 128 KiB free: the copy-up of a 700 KB file (under the 1 MiB up-front space check)
# starts, then the disk fills under it and write() returns short.
s = os.statvfs('${storage}')
avail = s.f_bavail * s.f_frsize
with open('filler', 'wb') as f:
    f.write(b'x' * max(0, (avail - 131072) // 4096 * 4096))
out['append'] = attempt(put, 'medium', 'x', 'a')
out['same'] = digest('medium') == digest('${base}/medium')
out['inUpper'] = os.path.exists('${storage}/upper/medium')
out['staged'] = [n for n in os.listdir('${storage}/work/layerdeck') if n.startswith('stage-')]
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ append: 'ENOSPC', same: true, inUpper: false, staged: [] })
    })
  })
})

describe('a full storage mounts again', () => {
  it('comes up with every change readable, says so once, refuses writes, and heals when space is freed', async () => {
    await onFullableOverlay(async (f) => {
      // The morning after the log filled the flash: a change, then writes until ENOSPC.
      await shOk(`echo changed > ${f.mnt}/small && rm ${f.mnt}/tree/part1`)
      const filled = await pyJson(
        `
n = 0
try:
    with open('log', 'wb') as out:
        while True:
            out.write(b'x' * 65536); out.flush(); n += 1
except OSError as e:
    print(json.dumps({'full': errno.errorcode[e.errno], 'some': n > 10}))
`,
        { cwd: f.mnt },
      )
      expect(filled).toEqual({ full: 'ENOSPC', some: true })
      expect(await f.mount.stop()).toBe(0)
      const again = await startMount({ base: f.base, storage: f.storage, mountpoint: f.mnt })
      try {
        const notes = again.output().match(/storage is full/g) ?? []
        expect(notes).toHaveLength(1)
        const r = await pyJson(
          `
out = {}
out['small'] = slurp('small')
out['deleted'] = os.path.exists('tree/part1')
out['others'] = sorted(os.listdir('tree'))
out['write'] = attempt(put, 'new', 'x' * 100000)
os.unlink('log')
out['healed'] = attempt(put, 'new', 'after')
out['new'] = slurp('new')
print(json.dumps(out))
`,
          { cwd: f.mnt },
        )
        expect(r).toEqual({
          small: 'changed\n',
          deleted: false,
          others: ['part2', 'part3'],
          write: 'ENOSPC',
          healed: 'ok',
          new: 'after',
        })
      } finally {
        expect(await again.stop()).toBe(0)
      }
      // Restart once more now that there is room: a normal mount, no note.
      const third = await startMount({ base: f.base, storage: f.storage, mountpoint: f.mnt })
      expect(third.output()).not.toMatch(/storage is full/)
      await third.stop()
      f.mount = third
    })
  })
})
