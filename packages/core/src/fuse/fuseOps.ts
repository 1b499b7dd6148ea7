/**
 * FUSE operations → engine calls. Each handler is a few lines: call the engine synchronously,
 * hand the result or the mapped errno to fuse-native.
 */
import type { FuseOps, FuseStat, FuseStatfs } from 'fuse-native'
import type { Attr } from '../engine/attr.ts'
import type { Overlay } from '../engine/Overlay.ts'
import type { FsStats } from '../engine/sys.ts'
import { toFuseError } from './errno.ts'
import { HiddenFiles } from './hiddenFiles.ts'

type Done = (result: number, ...values: unknown[]) => void

function toFuseStat(a: Attr): FuseStat {
  return {
    mode: a.mode,
    uid: a.uid,
    gid: a.gid,
    size: a.size,
    dev: a.dev,
    nlink: a.nlink,
    ino: a.ino,
    rdev: a.rdev,
    blksize: a.blksize,
    blocks: a.blocks,
    atime: a.atimeMs,
    mtime: a.mtimeMs,
    ctime: a.ctimeMs,
  }
}

/** fuse-native passes statfs fields as 32-bit integers: scale the block size until they fit. */
export function toFuseStatfs(s: FsStats): FuseStatfs {
  let { bsize, blocks, bfree, bavail } = s
  while (blocks > 0xffffffff) {
    bsize *= 2
    blocks = Math.floor(blocks / 2)
    bfree = Math.floor(bfree / 2)
    bavail = Math.floor(bavail / 2)
  }
  const files = Math.min(s.files, 0xffffffff)
  const ffree = Math.min(s.ffree, 0xffffffff)
  return { bsize, frsize: bsize, blocks, bfree, bavail, files, ffree, favail: ffree, fsid: 0, flag: 0, namemax: 255 }
}

export function createFuseOps(overlay: Overlay, log: (err: unknown) => void): FuseOps {
  const hidden = new HiddenFiles(overlay)
  const fail = (cb: Done, err: unknown): void => cb(toFuseError(err, log))
  const run = (cb: Done, fn: () => void): void => {
    try {
      fn()
      cb(0)
    } catch (err) {
      fail(cb, err)
    }
  }
  const value = (cb: Done, fn: () => unknown): void => {
    let result: unknown
    try {
      result = fn()
    } catch (err) {
      fail(cb, err)
      return
    }
    cb(0, result)
  }
  const io = (cb: (n: number) => void, fn: () => number): void => {
    let n: number
    try {
      n = fn()
    } catch (err) {
      n = toFuseError(err, log)
    }
    cb(n)
  }
  return {
    init: (cb) => cb(0),
    statfs: (_path, cb) => value(cb, () => toFuseStatfs(overlay.statfs())),
    getattr: (path, cb) =>
      value(cb, () => toFuseStat(hidden.has(path) ? hidden.getattr(path) : overlay.getattr(path))),
    fgetattr: (_path, fd, cb) => value(cb, () => toFuseStat(overlay.fgetattr(fd))),
    readdir: (path, cb) => {
      let listing: { names: string[]; attrs: Attr[] }
      try {
        listing = overlay.readdirWithAttrs(path)
      } catch (err) {
        fail(cb, err)
        return
      }
      cb(0, listing.names, listing.attrs.map(toFuseStat))
    },
    readlink: (path, cb) => value(cb, () => overlay.readlink(path)),
    open: (path, flags, cb) => value(cb, () => overlay.open(path, flags)),
    create: (path, mode, cb) => value(cb, () => overlay.create(path, mode)),
    read: (_path, fd, buf, len, pos, cb) => io(cb, () => overlay.read(fd, buf, len, pos)),
    write: (_path, fd, buf, len, pos, cb) => io(cb, () => overlay.write(fd, buf, len, pos)),
    fsync: (_path, datasync, fd, cb) => run(cb, () => overlay.fsync(fd, datasync !== 0)),
    release: (_path, fd, cb) => run(cb, () => overlay.release(fd)),
    truncate: (path, size, cb) =>
      run(cb, () => (hidden.has(path) ? hidden.apply(path, 'truncate', size) : overlay.truncate(path, size))),
    ftruncate: (_path, fd, size, cb) => run(cb, () => overlay.ftruncate(fd, size)),
    unlink: (path, cb) => run(cb, () => (hidden.has(path) ? hidden.unlink(path) : overlay.unlink(path))),
    rmdir: (path, cb) => run(cb, () => overlay.rmdir(path)),
    mkdir: (path, mode, cb) => run(cb, () => overlay.mkdir(path, mode)),
    mknod: (path, mode, dev, cb) => run(cb, () => overlay.mknod(path, mode, dev)),
    symlink: (target, path, cb) => run(cb, () => overlay.symlink(target, path)),
    link: (from, to, cb) => run(cb, () => overlay.link(from, to)),
    rename: (from, to, cb) => run(cb, () => hidden.hide(from, to) || overlay.rename(from, to)),
    chmod: (path, mode, cb) =>
      run(cb, () => (hidden.has(path) ? hidden.apply(path, 'chmod', mode) : overlay.chmod(path, mode))),
    chown: (path, uid, gid, cb) =>
      run(cb, () => (hidden.has(path) ? hidden.apply(path, 'chown', uid, gid) : overlay.chown(path, uid, gid))),
    utimens: (path, atime, mtime, cb) =>
      run(cb, () =>
        hidden.has(path) ? hidden.apply(path, 'utimens', atime, mtime) : overlay.utimens(path, atime, mtime),
      ),
    getxattr: (path, name, _position, cb) => value(cb, () => overlay.getxattr(path, name) ?? null),
    listxattr: (path, cb) => value(cb, () => overlay.listxattr(path)),
    setxattr: (path, name, buf, _position, flags, cb) =>
      run(cb, () => overlay.setxattr(path, name, Buffer.from(buf), flags)),
    removexattr: (path, name, cb) => run(cb, () => overlay.removexattr(path, name)),
  }
}
