/// <reference types="node" />
/**
 * The ceiling for LayerDeck: a bare passthrough of one directory through LayerDeck's own
 * libfuse3 binding, with no overlay logic. Node ids map to paths one to one; every operation is
 * one call of the same native system calls LayerDeck uses, on the real path; handles are the real
 * descriptors, read and written by the binding's threads as LayerDeck's are. It mounts with the
 * options of packages/core/src/fuse/mount.ts, so the difference to LayerDeck is the engine's work.
 *
 * Usage: passthrough.ts ROOT MOUNTPOINT   (foreground; prints "passthrough: mounted"; SIGTERM stops)
 */
import { constants } from 'node:os'
import { IO, loadBinding, SET, type LowLevelOps } from '../../packages/core/src/fuse/binding.ts'
import { createSys } from '../../packages/core/src/sys/nativeSys.ts'
import type { FileStat } from '../../packages/core/src/engine/sys.ts'

const [root = '', mountpoint = ''] = process.argv.slice(2)
if (root === '' || mountpoint === '') {
  console.error('usage: passthrough.ts ROOT MOUNTPOINT')
  process.exit(2)
}
const sys = createSys()
const binding = loadBinding()
const io = new Float64Array(IO.size)
const ERRNO = constants.errno as Record<string, number>
process.umask(0)

const paths = new Map<number, string>([[1, '']])
const ids = new Map<string, number>([['', 1]])
const counts = new Map<number, number>()
let next = 2
const real = (id: number): string => `${root}${paths.get(id) ?? ''}`
const child = (parent: number, name: string): string => `${paths.get(parent) ?? ''}/${name}`

function fail(err: unknown): number {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : ''
  return -(ERRNO[code] ?? ERRNO.EIO ?? 5)
}
const guard = (fn: () => number): number => {
  try {
    return fn()
  } catch (err) {
    return fail(err)
  }
}
function attr(s: FileStat): void {
  io.set([s.ino, s.mode, s.nlink, s.uid, s.gid, s.rdev, s.size, s.blksize, s.blocks, s.atimeSec, s.atimeNsec, s.mtimeSec, s.mtimeNsec, s.ctimeSec, s.ctimeNsec, 1, 1, 0], IO.attr)
}
function stat(path: string): FileStat {
  const s = sys.lstat(path)
  if (s === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
  return s
}
function entry(rel: string): number {
  attr(stat(`${root}${rel}`))
  let id = ids.get(rel)
  if (id === undefined) {
    id = next++
    ids.set(rel, id)
    paths.set(id, rel)
  }
  counts.set(id, (counts.get(id) ?? 0) + 1)
  return id
}
const dirs = new Map<number, { names: string[]; types: Float64Array }>()
let nextDir = 1

const ops: LowLevelOps = {
  lookup: (p, name) => guard(() => entry(child(p, name))),
  forget: (id, n) => {
    const left = (counts.get(id) ?? 0) - n
    if (left > 0 || id === 1) return void counts.set(id, left)
    counts.delete(id)
    const rel = paths.get(id)
    paths.delete(id)
    if (rel !== undefined && ids.get(rel) === id) ids.delete(rel)
  },
  getattr: (id, fh) => guard(() => (attr(fh >= 0 ? sys.fstat(fh) : stat(real(id))), 0)),
  setattr: (id, valid, mode, uid, gid, size, aSec, aNsec, mSec, mNsec, fh) =>
    guard(() => {
      const p = real(id)
      if (valid & (SET.uid | SET.gid)) sys.lchown(p, valid & SET.uid ? uid : -1, valid & SET.gid ? gid : -1)
      if (valid & SET.mode) sys.chmod(p, mode & 0o7777)
      if (valid & SET.size) {
        if (fh >= 0) sys.ftruncate(fh, size)
        else sys.truncate(p, size)
      }
      if (valid & (SET.atime | SET.mtime)) sys.utimens(p, { sec: aSec, nsec: aNsec }, { sec: mSec, nsec: mNsec })
      attr(fh >= 0 ? sys.fstat(fh) : stat(p))
      return 0
    }),
  readlink: (id) => {
    try {
      return sys.readlink(real(id))
    } catch (err) {
      return fail(err)
    }
  },
  mknod: (p, name, mode, rdev) => guard(() => (sys.mknod(`${root}${child(p, name)}`, mode, rdev), entry(child(p, name)))),
  mkdir: (p, name, mode) => guard(() => (sys.mkdir(`${root}${child(p, name)}`, mode), entry(child(p, name)))),
  unlink: (p, name) => guard(() => (sys.unlink(`${root}${child(p, name)}`), 0)),
  rmdir: (p, name) => guard(() => (sys.rmdir(`${root}${child(p, name)}`), 0)),
  symlink: (p, name, target) => guard(() => (sys.symlink(target, `${root}${child(p, name)}`), entry(child(p, name)))),
  rename: (p, name, np, nn, flags) =>
    guard(() => {
      const from = child(p, name)
      const to = child(np, nn)
      sys.rename(`${root}${from}`, `${root}${to}`, flags)
      const id = ids.get(from)
      if (id !== undefined) {
        ids.delete(from)
        ids.set(to, id)
        paths.set(id, to)
      }
      return 0
    }),
  link: (id, np, nn) => guard(() => (sys.link(real(id), `${root}${child(np, nn)}`), entry(child(np, nn)))),
  open: (id, flags) => guard(() => ((io[IO.keepCache] = 1), sys.open(real(id), flags & ~(0o100 | 0o200 | 0o400), 0))),
  create: (p, name, mode, flags) =>
    guard(() => {
      const fd = sys.open(`${root}${child(p, name)}`, (flags & ~0o3) | 0o2 | 0o100 | 0o200, mode & 0o7777)
      io[IO.node] = entry(child(p, name))
      return fd
    }),
  release: (_id, fh) => sys.close(fh),
  opendir: (id) =>
    guard(() => {
      const names = ['.', '..', ...sys.readdir(real(id))]
      const types = new Float64Array(names.length * 2)
      names.forEach((n, i) => {
        const s = n === '.' || n === '..' ? undefined : sys.lstat(`${real(id)}/${n}`)
        types[i * 2] = s?.ino ?? 1
        types[i * 2 + 1] = s?.mode ?? 0o040000
      })
      dirs.set(nextDir, { names, types })
      return nextDir++
    }),
  readdir: (id, dh, offset, size, plus) => {
    const d = dirs.get(dh)
    if (d === undefined) return -(ERRNO.EBADF ?? 9)
    const count = Math.max(0, Math.min(d.names.length - offset, Math.ceil(size / 32)))
    const names = d.names.slice(offset, offset + count)
    if (plus === 0) return [names, d.types.subarray(offset * 2, (offset + count) * 2), offset]
    // readdirplus: attributes and a counted lookup per entry (as LayerDeck answers it).
    const rows = new Float64Array(names.length * 17)
    names.forEach((n, i) => {
      if (n === '.' || n === '..') return
      try {
        rows[i * 17 + 15] = entry(child(id, n))
        rows.set(io.subarray(IO.attr, IO.attr + 15), i * 17)
        rows[i * 17 + 16] = 1
      } catch {
        // vanished since the listing: no node, a plain entry
      }
    })
    return [names, rows, offset]
  },
  releasedir: (_id, dh) => void dirs.delete(dh),
  statfs: () =>
    guard(() => {
      const s = sys.statfs(root)
      io.set([s.bsize, s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree, 255], IO.attr)
      return 0
    }),
  setxattr: (id, name, value) => guard(() => (sys.setXattr(real(id), name, value), 0)),
  getxattr: (id, name) => {
    try {
      return sys.getXattr(real(id), name) ?? -(ERRNO.ENODATA ?? 61)
    } catch (err) {
      return fail(err)
    }
  },
  listxattr: (id) => {
    try {
      return sys.listXattr(real(id))
    } catch (err) {
      return fail(err)
    }
  },
  removexattr: (id, name) => guard(() => (sys.removeXattr(real(id), name), 0)),
  wrote: () => undefined,
  ended: () => process.exit(0),
  gone: () => session !== undefined && binding.fuseAbort(session),
  error: (err) => console.error('passthrough:', err),
}

const session = binding.fuseMount(mountpoint, 'allow_other,default_permissions,dev,suid,fsname=passthrough,subtype=passthrough', ops, io, Number(process.env.LAYERDECK_FUSE_THREADS ?? 2), 1 << 20)
process.stdout.write('passthrough: mounted\n')
const stop = (): void => binding.fuseUnmount(session)
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
