/** The production Sys: Node's synchronous fs calls, @napi-rs/xattr, and mknod(1) for nodes. */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as xattr from '@napi-rs/xattr'
import { hasCode } from '../engine/OverlayError.ts'
import type { FileStat, FsStats, Sys } from '../engine/sys.ts'
import { S_IFBLK, S_IFCHR, S_IFIFO, S_IFMT, S_IFSOCK } from '../engine/fileMode.ts'

const LSTAT_OPTIONS = { throwIfNoEntry: false, bigint: false } as const

function toFileStat(s: fs.Stats): FileStat {
  return {
    mode: s.mode,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    ino: s.ino,
    dev: s.dev,
    nlink: s.nlink,
    rdev: s.rdev,
    blksize: s.blksize,
    blocks: s.blocks,
    atimeMs: s.atimeMs,
    mtimeMs: s.mtimeMs,
    ctimeMs: s.ctimeMs,
  }
}

/** @napi-rs/xattr throws plain Errors with the OS message; give them an errno code. */
function xattrError(err: unknown, syscall: string, path: string): Error {
  const message = err instanceof Error ? err.message : String(err)
  const table: Array<[RegExp, string]> = [
    [/No data available|ENODATA|ENOATTR/i, 'ENODATA'],
    [/No such file|ENOENT/i, 'ENOENT'],
    [/not supported|ENOTSUP|EOPNOTSUPP/i, 'ENOTSUP'],
    [/Operation not permitted|EPERM/i, 'EPERM'],
    [/Permission denied|EACCES/i, 'EACCES'],
    [/No space|ENOSPC/i, 'ENOSPC'],
    [/Numerical result out of range|ERANGE/i, 'ERANGE'],
    [/File exists|EEXIST/i, 'EEXIST'],
  ]
  const code = table.find(([re]) => re.test(message))?.[1] ?? 'EIO'
  return Object.assign(new Error(`${code}: ${message}, ${syscall} '${path}'`), { code, syscall, path })
}

function mknodArgs(mode: number, rdev: number): string[] {
  const major = Math.floor(rdev / 256) & 0xfff
  const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00)
  switch (mode & S_IFMT) {
    case S_IFIFO:
      return ['p']
    case S_IFCHR:
      return ['c', String(major), String(minor)]
    case S_IFBLK:
      return ['b', String(major), String(minor)]
    default:
      throw Object.assign(new Error('EINVAL: mknod of an unknown file type'), { code: 'EINVAL' })
  }
}

/**
 * A socket node, as bind(2) leaves one: a helper process binds it and exits without closing, so
 * the node stays (mknod(1) cannot make sockets). Programs bind to the mount's own inode, so the
 * node in storage only has to exist. Bound from its directory: sun_path holds 107 bytes.
 */
function makeSocket(path: string, mode: number): void {
  const slash = path.lastIndexOf('/')
  const script =
    "require('net').createServer().on('error', (e) => { process.stderr.write(String(e.code)); process.exit(1) })" +
    '.listen(process.argv[1], () => process.exit(0))'
  try {
    execFileSync(process.execPath, ['-e', script, `./${path.slice(slash + 1)}`], {
      cwd: path.slice(0, slash) || '/',
      stdio: ['ignore', 'ignore', 'pipe'],
    })
  } catch (err) {
    const raw = (err as { stderr?: Buffer | string }).stderr
    const reported = raw === undefined ? '' : raw.toString().trim()
    const code = reported === 'EADDRINUSE' ? 'EEXIST' : /^E[A-Z]+$/.test(reported) ? reported : 'EIO'
    throw Object.assign(new Error(`${code}: cannot create a socket, mknod '${path}'`), { code, syscall: 'mknod', path })
  }
  fs.chmodSync(path, mode & 0o7777)
}

export function createNodeSys(): Sys {
  return {
    lstat: (path) => {
      const s = fs.lstatSync(path, LSTAT_OPTIONS)
      return s === undefined ? undefined : toFileStat(s)
    },
    fstat: (fd) => toFileStat(fs.fstatSync(fd)),
    open: (path, flags, mode) => fs.openSync(path, flags, mode),
    close: (fd) => fs.closeSync(fd),
    read: (fd, buf, offset, length, position) => fs.readSync(fd, buf, offset, length, position),
    write: (fd, buf, offset, length, position) => fs.writeSync(fd, buf, offset, length, position),
    ftruncate: (fd, length) => fs.ftruncateSync(fd, length),
    fsync: (fd) => fs.fsyncSync(fd),
    fdatasync: (fd) => fs.fdatasyncSync(fd),
    fchown: (fd, uid, gid) => fs.fchownSync(fd, uid, gid),
    fchmod: (fd, mode) => fs.fchmodSync(fd, mode),
    futimes: (fd, atimeMs, mtimeMs) => fs.futimesSync(fd, atimeMs / 1000, mtimeMs / 1000),
    copyFile: (src, dest) => fs.copyFileSync(src, dest, fs.constants.COPYFILE_EXCL),
    readdir: (path) => fs.readdirSync(path),
    readdirCharDevices: (path) => {
      const names: string[] = []
      for (const d of fs.readdirSync(path, { withFileTypes: true })) {
        if (d.isCharacterDevice()) names.push(d.name)
      }
      return names
    },
    mkdir: (path, mode) => fs.mkdirSync(path, { mode }),
    rmdir: (path) => fs.rmdirSync(path),
    unlink: (path) => fs.unlinkSync(path),
    rename: (from, to) => fs.renameSync(from, to),
    link: (existing, newPath) => fs.linkSync(existing, newPath),
    symlink: (target, path) => fs.symlinkSync(target, path),
    readlink: (path) => fs.readlinkSync(path),
    chmod: (path, mode) => fs.chmodSync(path, mode),
    lchown: (path, uid, gid) => fs.lchownSync(path, uid, gid),
    lutimes: (path, atimeMs, mtimeMs) => fs.lutimesSync(path, atimeMs / 1000, mtimeMs / 1000),
    truncate: (path, length) => fs.truncateSync(path, length),
    mknod: (path, mode, rdev) => {
      if ((mode & S_IFMT) === S_IFSOCK) {
        makeSocket(path, mode)
        return
      }
      try {
        execFileSync('mknod', ['-m', (mode & 0o7777).toString(8), path, ...mknodArgs(mode, rdev)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        })
      } catch (err) {
        if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') throw err
        const raw = (err as { stderr?: Buffer | string }).stderr
        const stderr = raw === undefined ? '' : raw.toString()
        const code = /File exists/.test(stderr) ? 'EEXIST' : /No space/.test(stderr) ? 'ENOSPC' : /No such file/.test(stderr) ? 'ENOENT' : 'EPERM'
        throw Object.assign(new Error(`${code}: ${stderr.trim()}, mknod '${path}'`), { code, syscall: 'mknod', path })
      }
    },
    statfs: (path): FsStats => {
      const s = fs.statfsSync(path)
      return { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree }
    },
    getXattr: (path, name) => {
      try {
        return xattr.getAttributeSync(path, name) ?? undefined
      } catch (err) {
        const e = xattrError(err, 'getxattr', path)
        // A filesystem without xattrs (squashfs built without them, cramfs) has none to give.
        if (hasCode(e, 'ENODATA', 'ENOTSUP')) return undefined
        throw e
      }
    },
    setXattr: (path, name, value) => {
      try {
        xattr.setAttributeSync(path, name, value)
      } catch (err) {
        throw xattrError(err, 'setxattr', path)
      }
    },
    listXattr: (path) => {
      try {
        return xattr.listAttributesSync(path)
      } catch (err) {
        const e = xattrError(err, 'listxattr', path)
        if (hasCode(e, 'ENOTSUP')) return []
        throw e
      }
    },
    removeXattr: (path, name) => {
      try {
        xattr.removeAttributeSync(path, name)
      } catch (err) {
        throw xattrError(err, 'removexattr', path)
      }
    },
  }
}
