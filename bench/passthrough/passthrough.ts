/// <reference types="node" />
/**
 * The ceiling for LayerDeck: a bare fuse-native passthrough of one directory, with no overlay
 * logic. Every FUSE op is one synchronous node:fs (or @napi-rs/xattr) call on the real path;
 * file handles are the real file descriptors. It mounts with exactly the fuse-native options of
 * packages/core/src/fuse/mount.ts, so the difference to LayerDeck is the engine's own work.
 *
 * Usage: passthrough.ts ROOT MOUNTPOINT   (foreground; prints "passthrough: mounted"; SIGTERM stops)
 */
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import { constants } from 'node:os'

type Done = (result: number, ...values: unknown[]) => void
type IoDone = (n: number) => void

interface FuseInstance {
  mount(cb: (err: Error | null) => void): void
  unmount(cb: (err: Error | null) => void): void
}
type FuseCtor = new (mountpoint: string, ops: object, options: object) => FuseInstance
interface Xattr {
  getAttributeSync(path: string, name: string): Buffer | null
  listAttributesSync(path: string): string[]
  setAttributeSync(path: string, name: string, value: Uint8Array): void
  removeAttributeSync(path: string, name: string): void
}

// fuse-native and @napi-rs/xattr are dependencies of @layerdeck/core: resolve them from there.
const requireFromCore = createRequire(new URL('../../packages/core/package.json', import.meta.url))
const Fuse = requireFromCore('fuse-native') as FuseCtor
const xattr = requireFromCore('@napi-rs/xattr') as Xattr

const ERRNO = constants.errno as Record<string, number>
const EIO = ERRNO.EIO ?? 5
const ENODATA = ERRNO.ENODATA ?? 61

/** Same option string as LayerDeck (use_ino, big_writes, atomic_o_trunc, dev, suid travel in fsname). */
const FSNAME = 'passthrough,use_ino,big_writes,atomic_o_trunc,dev,suid'
const O_CREAT_EXCL_RDWR = fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_RDWR

function errnoOf(err: unknown): number {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined
  if (typeof code === 'string') {
    if (code === 'ENOTSUP') return -(ERRNO.EOPNOTSUPP ?? 95)
    const errno = ERRNO[code]
    if (errno !== undefined) return -errno
  }
  // @napi-rs/xattr throws plain Errors carrying the OS message only.
  const message = err instanceof Error ? err.message : ''
  if (/No data available|ENODATA/.test(message)) return -ENODATA
  if (/not supported/i.test(message)) return -(ERRNO.EOPNOTSUPP ?? 95)
  return -EIO
}

function statOf(s: fs.Stats): object {
  return {
    mode: s.mode,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    dev: s.dev,
    nlink: s.nlink,
    ino: s.ino,
    rdev: s.rdev,
    blksize: s.blksize,
    blocks: s.blocks,
    atime: s.atimeMs,
    mtime: s.mtimeMs,
    ctime: s.ctimeMs,
  }
}

/** Runs `fn` and answers FUSE with its value (or 0), or with the mapped errno. */
function answer(cb: Done, fn: () => unknown): void {
  let result: unknown
  try {
    result = fn()
  } catch (err) {
    cb(errnoOf(err))
    return
  }
  if (result === undefined) cb(0)
  else cb(0, result)
}

function io(cb: IoDone, fn: () => number): void {
  let n: number
  try {
    n = fn()
  } catch (err) {
    n = errnoOf(err)
  }
  cb(n)
}

function lstat(real: string): object {
  const s = fs.lstatSync(real, { throwIfNoEntry: false })
  if (s === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
  return statOf(s)
}

/**
 * Names with each entry's attributes, as LayerDeck's adapter does: libfuse then hands the kernel
 * the type and inode of every entry, so `find` needs no lookup per entry.
 */
function readdir(dir: string, isRoot: boolean, cb: Done): void {
  const names = ['.', '..']
  const stats: object[] = []
  try {
    const self = lstat(dir)
    stats.push(self, isRoot ? self : lstat(`${dir}/..`))
    for (const name of fs.readdirSync(dir)) {
      const s = fs.lstatSync(`${dir}/${name}`, { throwIfNoEntry: false })
      if (s === undefined) continue // removed since readdir
      names.push(name)
      stats.push(statOf(s))
    }
  } catch (err) {
    cb(errnoOf(err))
    return
  }
  cb(0, names, stats)
}

function statfsOf(real: string): object {
  const s = fs.statfsSync(real)
  let { bsize, blocks, bfree, bavail } = s
  // fuse-native passes statfs fields as 32-bit integers (as LayerDeck does).
  while (blocks > 0xffffffff) {
    bsize *= 2
    blocks = Math.floor(blocks / 2)
    bfree = Math.floor(bfree / 2)
    bavail = Math.floor(bavail / 2)
  }
  const files = Math.min(s.files, 0xffffffff)
  const ffree = Math.min(s.ffree, 0xffffffff)
  return {
    bsize,
    frsize: bsize,
    blocks,
    bfree,
    bavail,
    files,
    ffree,
    favail: ffree,
    fsid: 0,
    flag: 0,
    namemax: 255,
  }
}

function dataOps(r: (path: string) => string): object {
  return {
    init: (cb: Done) => cb(0),
    statfs: (path: string, cb: Done) => answer(cb, () => statfsOf(r(path))),
    getattr: (path: string, cb: Done) => answer(cb, () => lstat(r(path))),
    fgetattr: (_path: string, fd: number, cb: Done) => answer(cb, () => statOf(fs.fstatSync(fd))),
    readdir: (path: string, cb: Done) => readdir(r(path), path === '/', cb),
    readlink: (path: string, cb: Done) => answer(cb, () => fs.readlinkSync(r(path))),
    open: (path: string, flags: number, cb: Done) => answer(cb, () => fs.openSync(r(path), flags)),
    create: (path: string, mode: number, cb: Done) =>
      answer(cb, () => fs.openSync(r(path), O_CREAT_EXCL_RDWR, mode & 0o7777)),
    read: (_p: string, fd: number, buf: Buffer, len: number, pos: number, cb: IoDone) =>
      io(cb, () => fs.readSync(fd, buf, 0, len, pos)),
    write: (_p: string, fd: number, buf: Buffer, len: number, pos: number, cb: IoDone) =>
      io(cb, () => fs.writeSync(fd, buf, 0, len, pos)),
    fsync: (_path: string, datasync: number, fd: number, cb: Done) =>
      answer(cb, () => (datasync !== 0 ? fs.fdatasyncSync(fd) : fs.fsyncSync(fd))),
    release: (_path: string, fd: number, cb: Done) => answer(cb, () => fs.closeSync(fd)),
    truncate: (path: string, size: number, cb: Done) =>
      answer(cb, () => fs.truncateSync(r(path), size)),
    ftruncate: (_path: string, fd: number, size: number, cb: Done) =>
      answer(cb, () => fs.ftruncateSync(fd, size)),
  }
}

function namespaceOps(r: (path: string) => string): object {
  return {
    unlink: (path: string, cb: Done) => answer(cb, () => fs.unlinkSync(r(path))),
    rmdir: (path: string, cb: Done) => answer(cb, () => fs.rmdirSync(r(path))),
    mkdir: (path: string, mode: number, cb: Done) =>
      answer(cb, () => fs.mkdirSync(r(path), { mode: mode & 0o7777 })),
    symlink: (target: string, path: string, cb: Done) =>
      answer(cb, () => fs.symlinkSync(target, r(path))),
    link: (from: string, to: string, cb: Done) => answer(cb, () => fs.linkSync(r(from), r(to))),
    rename: (from: string, to: string, cb: Done) => answer(cb, () => fs.renameSync(r(from), r(to))),
    chmod: (path: string, mode: number, cb: Done) =>
      answer(cb, () => fs.chmodSync(r(path), mode & 0o7777)),
    chown: (path: string, uid: number, gid: number, cb: Done) =>
      answer(cb, () => fs.lchownSync(r(path), uid, gid)),
    utimens: (path: string, atime: number, mtime: number, cb: Done) =>
      answer(cb, () => fs.lutimesSync(r(path), atime / 1000, mtime / 1000)),
  }
}

function xattrOps(r: (path: string) => string): object {
  return {
    getxattr: (path: string, name: string, _position: number, cb: Done) =>
      answer(cb, () => xattr.getAttributeSync(r(path), name)),
    listxattr: (path: string, cb: Done) => answer(cb, () => xattr.listAttributesSync(r(path))),
    setxattr: (
      path: string,
      name: string,
      buf: Buffer,
      _position: number,
      _flags: number,
      cb: Done,
    ) => answer(cb, () => xattr.setAttributeSync(r(path), name, Buffer.from(buf))),
    removexattr: (path: string, name: string, cb: Done) =>
      answer(cb, () => xattr.removeAttributeSync(r(path), name)),
  }
}

function main(): void {
  const [root, mountpoint] = process.argv.slice(2)
  if (root === undefined || mountpoint === undefined) {
    process.stderr.write('usage: passthrough.ts ROOT MOUNTPOINT\n')
    process.exit(2)
  }
  const base = fs.realpathSync(root)
  const r = (path: string): string => (path === '/' ? base : base + path)
  // The kernel has applied the caller's umask to every mode it sends (as in LayerDeck).
  process.umask(0)
  const ops = { ...dataOps(r), ...namespaceOps(r), ...xattrOps(r) }
  const fuse = new Fuse(mountpoint, ops, {
    timeout: false,
    allowOther: true,
    defaultPermissions: true,
    autoCache: true,
    fsname: FSNAME,
    subtype: 'passthrough',
  })
  fuse.mount((err) => {
    if (err) {
      process.stderr.write(`passthrough: cannot mount ${mountpoint}: ${err.message}\n`)
      process.exit(1)
    }
    process.stdout.write(`passthrough: mounted ${base} at ${mountpoint}\n`)
  })
  const stop = (): void => {
    fuse.unmount((err) => {
      if (err) process.stderr.write(`passthrough: ${err.message}\n`)
      process.exit(err ? 1 : 0)
    })
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main()
