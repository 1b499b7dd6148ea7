/**
 * File data through a real mount, as programs use it: read, write, append, truncate, holes past
 * EOF, O_TRUNC / O_APPEND / O_EXCL, fsync, statfs, sparse files, mmap, locks and FIFOs. Probes
 * are Python system calls in child processes; the base is hashed before and after.
 */
import { describe, expect, it } from 'vitest'
import { pyJson, withOverlay, type OverlayFixture } from '@layerdeck/testkit'

const BASE = `
printf 'hello world\\n' > hello
printf 'abc' > small
head -c 100000 /dev/urandom > random
truncate -s 64M sparse && printf 'middle' | dd of=sparse bs=1 seek=$((32 << 20)) conv=notrunc status=none
mkfifo fifo
`

const onOverlay = (fn: (f: OverlayFixture) => Promise<void>): Promise<void> => withOverlay(BASE, fn)

describe('file data through the mount', () => {
  it('reads, writes, appends and truncates base and new files', async () => {
    await onOverlay(async ({ mnt, base }) => {
      const r = await pyJson(
        `
out = {}
out['read'] = slurp('hello')
out['random'] = slurp('random') == slurp('${base}/random')
fd = os.open('hello', os.O_RDWR)
os.pwrite(fd, b'HELLO', 0)
out['pread'] = os.pread(fd, 100, 0).decode()
os.close(fd)
put('hello', 'more\\n', 'a')
out['appended'] = slurp('hello')
os.truncate('hello', 5)
out['truncated'] = slurp('hello')
os.truncate('small', 6)
out['grown'] = slurp('small')
fd = os.open('new', os.O_CREAT | os.O_WRONLY, 0o644)
os.pwrite(fd, b'end', 10)
os.close(fd)
out['holeBeyondEof'] = slurp('new')
out['newSize'] = os.stat('new').st_size
fd = os.open('random', os.O_RDWR)
os.ftruncate(fd, 10)
out['ftruncate'] = os.fstat(fd).st_size
os.close(fd)
out['randomSize'] = os.stat('random').st_size
out['truncDir'] = attempt(os.truncate, '.', 0)
out['writeDir'] = attempt(os.open, '.', os.O_WRONLY)
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        read: 'hello world\n',
        random: true,
        pread: 'HELLO world\n',
        appended: 'HELLO world\nmore\n',
        truncated: 'HELLO',
        grown: 'abc\0\0\0',
        holeBeyondEof: '\0'.repeat(10) + 'end',
        newSize: 13,
        ftruncate: 10,
        randomSize: 10,
        truncDir: 'EISDIR',
        writeDir: 'EISDIR',
      })
    })
  })

  it('honours O_TRUNC, O_APPEND and O_EXCL, and fsync/fdatasync succeed', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
out = {}
fd = os.open('hello', os.O_WRONLY | os.O_TRUNC)
out['truncSize'] = os.fstat(fd).st_size
os.write(fd, b'one')
os.fsync(fd)
os.fdatasync(fd)
os.close(fd)
out['afterTrunc'] = slurp('hello')
fd = os.open('small', os.O_WRONLY | os.O_APPEND)
os.write(fd, b'-x')
os.lseek(fd, 0, os.SEEK_SET)
os.write(fd, b'-y')
os.close(fd)
out['append'] = slurp('small')
out['exclBase'] = attempt(os.open, 'hello', os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
out['exclNew'] = attempt(lambda: os.close(os.open('fresh', os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o640)))
out['exclAgain'] = attempt(os.open, 'fresh', os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
out['freshMode'] = oct(os.stat('fresh').st_mode & 0o777)
out['creatTrunc'] = attempt(lambda: os.close(os.open('random', os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)))
out['randomSize'] = os.stat('random').st_size
out['rdonlyTrunc'] = attempt(lambda: os.close(os.open('sparse', os.O_RDONLY | os.O_TRUNC)))
out['sparseSize'] = os.stat('sparse').st_size
out['missing'] = attempt(os.open, 'nope', os.O_RDONLY)
out['noCreatInMissingDir'] = attempt(os.open, 'nope/x', os.O_CREAT | os.O_WRONLY, 0o644)
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        truncSize: 0,
        afterTrunc: 'one',
        append: 'abc-x-y',
        exclBase: 'EEXIST',
        exclNew: 'ok',
        exclAgain: 'EEXIST',
        freshMode: '0o640',
        creatTrunc: 'ok',
        randomSize: 0,
        rdonlyTrunc: 'ok',
        sparseSize: 0,
        missing: 'ENOENT',
        noCreatInMissingDir: 'ENOENT',
      })
    })
  })

  it('reports the storage filesystem in statfs', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      const r = await pyJson(
        `
m, s = os.statvfs('${mnt}'), os.statvfs('${storage}')
out = {}
out['size'] = m.f_frsize * m.f_blocks == s.f_frsize * s.f_blocks
out['avail'] = abs(m.f_frsize * m.f_bavail - s.f_frsize * s.f_bavail) < (64 << 20)
out['files'] = m.f_files == s.f_files
out['namemax'] = m.f_namemax
print(json.dumps(out))
`,
      )
      expect(r).toEqual({ size: true, avail: true, files: true, namemax: 255 })
    })
  })

  it('keeps sparse files sparse, reading zeros from their holes, also after copy-up', async () => {
    await onOverlay(async ({ mnt, storage }) => {
      const r = await pyJson(
        `
out = {}
st = os.stat('sparse')
out['size'] = st.st_size
out['sparseInBase'] = st.st_blocks * 512 < (1 << 20)
with open('sparse', 'rb') as f:
    f.seek(32 << 20); out['middle'] = f.read(6).decode()
    f.seek(1 << 20); out['holeZeros'] = f.read(4096) == bytes(4096)
put('sparse', 'tail', 'a')
st = os.stat('sparse')
out['grownSize'] = st.st_size
out['stillSparse'] = st.st_blocks * 512 < (4 << 20)
out['storageSparse'] = os.stat('${storage}/upper/sparse').st_blocks * 512 < (4 << 20)
with open('sparse', 'rb') as f:
    f.seek(32 << 20); out['middleAfter'] = f.read(6).decode()
    f.seek(-4, 2); out['tail'] = f.read().decode()
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        size: 64 << 20,
        sparseInBase: true,
        middle: 'middle',
        holeZeros: true,
        grownSize: (64 << 20) + 4,
        stillSparse: true,
        storageSparse: true,
        middleAfter: 'middle',
        tail: 'tail',
      })
    })
  })

  // FUSE lseek (libfuse 3): hole-aware copies (cp, tar --sparse) of a file read through the
  // mount stay sparse.
  it(
    'finds the holes of a sparse file with SEEK_DATA/SEEK_HOLE as the base does',
    async () => {
      await onOverlay(async ({ mnt, base }) => {
        const seek = (p: string): string =>
          `[os.lseek(os.open('${p}', os.O_RDONLY), 0, w) for w in (os.SEEK_DATA, os.SEEK_HOLE)]`
        const [merged, onBase] = await pyJson<number[][]>(
          `print(json.dumps([${seek(`${mnt}/sparse`)}, ${seek(`${base}/sparse`)}]))`,
        )
        expect(onBase).toEqual([32 << 20, 0])
        expect(merged).toEqual(onBase)
      })
    },
  )

  it('maps files with mmap, shared writes included, seen by other processes', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
import mmap, subprocess
out = {}
with open('hello', 'rb') as f:
    m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
    out['readMap'] = m[:5].decode()
    m.close()
with open('hello', 'r+b') as f:
    m = mmap.mmap(f.fileno(), 0)
    m[0:5] = b'JELLO'
    m.flush()
    m.close()
out['otherProcess'] = subprocess.run(['cat', 'hello'], capture_output=True).stdout.decode()
fd = os.open('mapped', os.O_CREAT | os.O_RDWR, 0o644)
os.ftruncate(fd, 8192)
m = mmap.mmap(fd, 8192)
m[4096:4100] = b'page'
m.flush(); m.close(); os.close(fd)
out['newFile'] = slurp('mapped')[4096:4100]
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({ readMap: 'hello', otherProcess: 'JELLO world\n', newFile: 'page' })
    })
  })

  it('serialises POSIX and flock locks between processes', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
import fcntl, subprocess
probe = '''
import fcntl, sys
f = open(sys.argv[1], sys.argv[2])
try:
    (fcntl.lockf if sys.argv[3] == 'posix' else fcntl.flock)(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print('got')
except OSError:
    print('busy')
'''
def other(path, mode, kind):
    return subprocess.run(['/usr/bin/python3', '-c', probe, path, mode, kind], capture_output=True).stdout.decode().strip()
out = {}
f = open('hello', 'r+')
fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
out['posixHeld'] = other('hello', 'r+', 'posix')
fcntl.lockf(f, fcntl.LOCK_UN)
out['posixFree'] = other('hello', 'r+', 'posix')
g = open('small', 'r')
fcntl.flock(g, fcntl.LOCK_EX | fcntl.LOCK_NB)
out['flockHeld'] = other('small', 'r', 'flock')
g.close()
out['flockFree'] = other('small', 'r', 'flock')
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        posixHeld: 'busy',
        posixFree: 'got',
        flockHeld: 'busy',
        flockFree: 'got',
      })
    })
  })

  it('passes data through FIFOs from the base and new ones', async () => {
    await onOverlay(async ({ mnt }) => {
      const r = await pyJson(
        `
import stat, subprocess
out = {}
out['baseIsFifo'] = stat.S_ISFIFO(os.stat('fifo').st_mode)
os.mkfifo('newfifo', 0o600)
out['newIsFifo'] = stat.S_ISFIFO(os.stat('newfifo').st_mode)
for name in ['fifo', 'newfifo']:
    w = subprocess.Popen(['sh', '-c', 'echo through-' + name + ' > ' + name])
    out[name] = slurp(name)
    w.wait(timeout=10)
print(json.dumps(out))
`,
        { cwd: mnt },
      )
      expect(r).toEqual({
        baseIsFifo: true,
        newIsFifo: true,
        fifo: 'through-fifo\n',
        newfifo: 'through-newfifo\n',
      })
    })
  })
})
