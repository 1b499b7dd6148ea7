/**
 * The production Sys: LayerDeck's native system calls (packages/core/native/sys.c). Byte-exact
 * names, nanosecond times, no PATH_MAX limit, socket nodes without a process, and no symlink
 * ever followed in any component of a path (see engine/sys.ts). fd-based reads and writes use
 * Node's own fs calls (the descriptors are the same process-wide numbers).
 */
import * as fs from 'node:fs'
import type { FileStat, FsStats, Sys, Timestamp } from '../engine/sys.ts'
import { fromMs } from '../engine/times.ts'
import { check, errnoName } from './errno.ts'
import { loadNative, type NativeSys } from './native.ts'

const ENOENT = -2
const ENOTDIR = -20
const ENODATA = -61
const EWOULDBLOCK = -11
const O_CREAT_RDWR = 0o102

function toFileStat(d: Float64Array): FileStat {
  const atimeSec = d[10] as number
  const atimeNsec = d[11] as number
  const mtimeSec = d[12] as number
  const mtimeNsec = d[13] as number
  const ctimeSec = d[14] as number
  const ctimeNsec = d[15] as number
  return {
    mode: d[0] as number,
    uid: d[1] as number,
    gid: d[2] as number,
    size: d[3] as number,
    ino: d[4] as number,
    dev: d[5] as number,
    nlink: d[6] as number,
    rdev: d[7] as number,
    blksize: d[8] as number,
    blocks: d[9] as number,
    atimeMs: atimeSec * 1000 + atimeNsec / 1e6,
    mtimeMs: mtimeSec * 1000 + mtimeNsec / 1e6,
    ctimeMs: ctimeSec * 1000 + ctimeNsec / 1e6,
    atimeSec,
    atimeNsec,
    mtimeSec,
    mtimeNsec,
    ctimeSec,
    ctimeNsec,
  }
}

/** A list result: the array, or the error for a negative errno. */
function list<T>(value: T[] | number, syscall: string, path: string): T[] {
  if (typeof value === 'number') check(value, syscall, path)
  return value as T[]
}

export function createSys(): Sys {
  const n = loadNative()
  const statBuf = new Float64Array(16)
  const fsBuf = new Float64Array(6)
  const times = (path: string, a: Timestamp, m: Timestamp): void => {
    check(n.utimens(path, a.sec, a.nsec, m.sec, m.nsec), 'utimens', path)
  }
  const ftimes = (fd: number, a: Timestamp, m: Timestamp): void => {
    check(n.futimens(fd, a.sec, a.nsec, m.sec, m.nsec), 'futimens', String(fd))
  }
  return {
    lstat: (path) => {
      const rc = n.lstat(path, statBuf)
      if (rc === ENOENT || rc === ENOTDIR) return undefined
      check(rc, 'lstat', path)
      return toFileStat(statBuf)
    },
    fstat: (fd) => {
      check(n.fstat(fd, statBuf), 'fstat', String(fd))
      return toFileStat(statBuf)
    },
    open: (path, flags, mode) => check(n.open(path, flags, mode ?? 0o666), 'open', path),
    close: (fd) => fs.closeSync(fd),
    read: (fd, buf, offset, length, position) => fs.readSync(fd, buf, offset, length, position),
    write: (fd, buf, offset, length, position) => fs.writeSync(fd, buf, offset, length, position),
    ftruncate: (fd, length) => fs.ftruncateSync(fd, length),
    fsync: (fd) => fs.fsyncSync(fd),
    fdatasync: (fd) => fs.fdatasyncSync(fd),
    fchown: (fd, uid, gid) => fs.fchownSync(fd, uid, gid),
    fchmod: (fd, mode) => fs.fchmodSync(fd, mode),
    futimes: (fd, atimeMs, mtimeMs) => ftimes(fd, fromMs(atimeMs), fromMs(mtimeMs)),
    futimens: ftimes,
    copyFile: (src, dest) => copyFile(n, src, dest),
    readdir: (path) => list(n.readdir(path, false), 'scandir', path),
    readdirCharDevices: (path) => list(n.readdir(path, true), 'scandir', path),
    mkdir: (path, mode) => void check(n.mkdir(path, mode), 'mkdir', path),
    rmdir: (path) => void check(n.unlink(path, true), 'rmdir', path),
    unlink: (path) => void check(n.unlink(path, false), 'unlink', path),
    rename: (from, to, flags) => void check(n.rename(from, to, flags ?? 0), 'rename', `${from}' -> '${to}`),
    link: (existing, newPath) => void check(n.link(existing, newPath), 'link', `${existing}' -> '${newPath}`),
    symlink: (target, path) => void check(n.symlink(target, path), 'symlink', path),
    readlink: (path) => {
      const r = n.readlink(path)
      if (typeof r === 'number') check(r, 'readlink', path)
      return r as string
    },
    chmod: (path, mode) => void check(n.chmod(path, mode), 'chmod', path),
    lchown: (path, uid, gid) => void check(n.lchown(path, uid >>> 0, gid >>> 0), 'lchown', path),
    lutimes: (path, atimeMs, mtimeMs) => times(path, fromMs(atimeMs), fromMs(mtimeMs)),
    utimens: times,
    truncate: (path, length) => void check(n.truncate(path, length), 'truncate', path),
    mknod: (path, mode, rdev) => void check(n.mknod(path, mode, rdev), 'mknod', path),
    statfs: (path): FsStats => {
      check(n.statfs(path, fsBuf), 'statfs', path)
      const [bsize = 4096, blocks = 0, bfree = 0, bavail = 0, files = 0, ffree = 0] = fsBuf
      return { bsize, blocks, bfree, bavail, files, ffree }
    },
    getXattr: (path, name) => {
      const r = n.getxattr(path, name)
      if (typeof r !== 'number') return r
      // A filesystem without xattrs (squashfs built without them, cramfs) has none to give.
      if (r === ENODATA || errnoName(r) === 'ENOTSUP' || errnoName(r) === 'EOPNOTSUPP') return undefined
      return check(r, 'getxattr', path) as never
    },
    setXattr: (path, name, value) => void check(n.setxattr(path, name, value, 0), 'setxattr', path),
    listXattr: (path) => {
      const r = n.listxattr(path)
      if (typeof r === 'number' && (errnoName(r) === 'ENOTSUP' || errnoName(r) === 'EOPNOTSUPP')) return []
      return list(r, 'listxattr', path)
    },
    removeXattr: (path, name) => void check(n.removexattr(path, name), 'removexattr', path),
    replaceFd: (fd, withFd) => void check(n.dup2(withFd, fd), 'dup2', String(fd)),
    tryLock: (path) => {
      const fd = check(n.open(path, O_CREAT_RDWR, 0o600), 'open', path)
      const rc = n.flock(fd)
      if (rc === 0) return fd
      fs.closeSync(fd)
      if (rc === EWOULDBLOCK) return undefined
      check(rc, 'flock', path)
      return undefined
    },
    raiseFileLimit: () => n.raiseNofile(),
  }
}

/** Copies a whole file's data into a new file (fails if `dest` exists), never through a symlink. */
function copyFile(n: NativeSys, src: string, dest: string): void {
  const from = check(n.open(src, 0, 0), 'open', src)
  try {
    const to = check(n.open(dest, 0o301 /* O_WRONLY|O_CREAT|O_EXCL */, 0o600), 'open', dest)
    try {
      const buf = Buffer.allocUnsafe(1 << 20)
      for (let pos = 0; ; ) {
        const got = fs.readSync(from, buf, 0, buf.length, pos)
        if (got === 0) break
        for (let done = 0; done < got; ) done += fs.writeSync(to, buf, done, got - done, pos + done)
        pos += got
      }
    } finally {
      fs.closeSync(to)
    }
  } finally {
    fs.closeSync(from)
  }
}
