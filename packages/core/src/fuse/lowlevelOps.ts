/**
 * FUSE low-level operations -> engine calls. Node ids become merged paths through the node
 * table; each handler is a few lines: call the engine synchronously, leave attributes in `io`,
 * answer a node id, a descriptor, 0 or -errno.
 */
import { constants } from 'node:os'
import type { Attr } from '../engine/attr.ts'
import { joinPath } from '../engine/mergedPath.ts'
import { errorCode } from '../engine/OverlayError.ts'
import type { Overlay } from '../engine/Overlay.ts'
import { UTIME_OMIT } from '../engine/sys.ts'
import { IO, SET, type LowLevelOps } from './binding.ts'
import { DirectoryListings, type ListingPiece } from './listings.ts'
import { isDir } from '../engine/fileMode.ts'
import type { Node, NodeTable } from './nodes.ts'

/** How long the kernel may keep entries and attributes; live changes invalidate them sooner. */
export const ATTR_TIMEOUT_S = 1
/** Numbers per entry of a readdirplus answer (fuse.c PLUS_ROW). */
const PLUS_ROW = 17
const { EIO, EINVAL, EEXIST, ENODATA } = constants.errno
const RENAME_NOREPLACE = 1

export interface OpsContext {
  overlay: Overlay
  nodes: NodeTable
  io: Float64Array
  /** Unexpected (non-errno) failures. */
  log(err: unknown): void
  ended(): void
  gone(): void
}

/** The errno of an engine error, as -errno; anything else is a bug: logged, EIO. */
export function toErrno(err: unknown, log: (err: unknown) => void): number {
  const code = errorCode(err)
  const n = code === undefined ? undefined : (constants.errno as Record<string, number>)[code]
  if (n !== undefined) return -n
  log(err)
  return -EIO
}

export function writeAttr(io: Float64Array, a: Attr): void {
  const o = IO.attr
  io[o] = a.ino
  io[o + 1] = a.mode
  io[o + 2] = a.nlink
  io[o + 3] = a.uid
  io[o + 4] = a.gid
  io[o + 5] = a.rdev
  io[o + 6] = a.size
  io[o + 7] = a.blksize
  io[o + 8] = a.blocks
  io[o + 9] = a.atimeSec
  io[o + 10] = a.atimeNsec
  io[o + 11] = a.mtimeSec
  io[o + 12] = a.mtimeNsec
  io[o + 13] = a.ctimeSec
  io[o + 14] = a.ctimeNsec
  io[IO.attrTimeout] = ATTR_TIMEOUT_S
  io[IO.entryTimeout] = ATTR_TIMEOUT_S
  io[IO.generation] = 0
}

export function createLowLevelOps(c: OpsContext): LowLevelOps {
  const { overlay, nodes, io } = c
  const dirs = new DirectoryListings(overlay)
  const log = (err: unknown): void => c.log(err)
  const fail = (err: unknown): number => toErrno(err, log)
  const guard = (fn: () => number): number => {
    try {
      return fn()
    } catch (err) {
      return fail(err)
    }
  }
  const nodeOf = (id: number): Node => {
    const node = nodes.get(id)
    if (node === undefined) throw Object.assign(new Error('stale node'), { code: 'ESTALE' })
    return node
  }
  // A node whose every name went (unlinked, renamed over, reverted): ESTALE makes the kernel
  // look the path up again and retry, as for an NFS file handle, so an open racing a rename over
  // the name opens the new file instead of failing with ENOENT.
  const pathOf = (id: number): string => {
    const path = nodes.pathOf(nodeOf(id))
    if (path === undefined) throw Object.assign(new Error('no name left'), { code: 'ESTALE' })
    return path
  }
  const childPath = (parent: number, name: string): string => joinPath(pathOf(parent), name)
  /** Answers a new or looked-up name with its node (one more kernel reference). */
  const entry = (parent: number, name: string): number => {
    const { attr, linkKey } = overlay.lookupEntry(childPath(parent, name))
    writeAttr(io, attr)
    return nodes.lookup(nodeOf(parent), name, attr, linkKey).id
  }
  /** A handle of a node that has no name left (unlinked while open). */
  const anyHandle = (node: Node): number => {
    for (const fd of node.handles) return fd
    throw Object.assign(new Error('unlinked'), { code: 'ESTALE' })
  }
  const attrOf = (node: Node, fh: number): Attr => {
    if (fh >= 0 && overlay.handles.find(fh) !== undefined) return overlay.fgetattr(fh)
    const path = nodes.pathOf(node)
    return path !== undefined ? overlay.getattr(path) : overlay.fgetattr(anyHandle(node))
  }
  /**
   * readdirplus: each entry's attribute row, node id and timeout (17 numbers). Every entry but '.'
   * and '..' is a lookup the kernel counts; the binding forgets those that did not fit.
   */
  const plusRows = (dir: Node, piece: ListingPiece): Float64Array => {
    const rows = new Float64Array(piece.names.length * PLUS_ROW)
    piece.names.forEach((name, i) => {
      const a = piece.attrs[i] as Attr
      const o = i * PLUS_ROW
      rows.set([a.ino, a.mode, a.nlink, a.uid, a.gid, a.rdev, a.size, a.blksize, a.blocks, a.atimeSec, a.atimeNsec, a.mtimeSec, a.mtimeNsec, a.ctimeSec, a.ctimeNsec], o)
      rows[o + 16] = ATTR_TIMEOUT_S
      if (name === '.' || name === '..') return
      const linkKey = a.nlink > 1 && !isDir(a.mode) ? overlay.lookupEntry(joinPath(piece.path, name)).linkKey : undefined
      rows[o + 15] = nodes.lookup(dir, name, a, linkKey).id
    })
    return rows
  }
  const opened = (node: Node, fd: number): number => {
    node.handles.add(fd)
    io[IO.keepCache] = 1
    return fd
  }
  return {
    lookup: (parent, name) => guard(() => entry(parent, name)),
    forget: (node, count) => nodes.forget(node, count),
    getattr: (id, fh) =>
      guard(() => {
        writeAttr(io, attrOf(nodeOf(id), fh))
        return 0
      }),
    setattr: (id, valid, mode, uid, gid, size, aSec, aNsec, mSec, mNsec, fh) =>
      guard(() => {
        const node = nodeOf(id)
        const path = nodes.pathOf(node)
        const viaFd = path === undefined ? anyHandle(node) : -1
        if (valid & (SET.uid | SET.gid)) {
          const u = valid & SET.uid ? uid : -1
          const g = valid & SET.gid ? gid : -1
          if (path !== undefined) overlay.chown(path, u, g)
          else overlay.fchown(viaFd, u, g)
        }
        if (valid & SET.mode) {
          if (path !== undefined) overlay.chmod(path, mode)
          else overlay.fchmod(viaFd, mode)
        }
        if (valid & SET.size) {
          if (fh >= 0 && overlay.handles.find(fh) !== undefined) overlay.ftruncate(fh, size)
          else if (path !== undefined) overlay.truncate(path, size)
          else overlay.ftruncate(viaFd, size)
        }
        if (aNsec !== UTIME_OMIT || mNsec !== UTIME_OMIT) {
          const atime = { sec: aSec, nsec: aNsec }
          const mtime = { sec: mSec, nsec: mNsec }
          if (path !== undefined) overlay.utimens(path, atime, mtime)
          else overlay.futimens(viaFd, atime, mtime)
        }
        writeAttr(io, attrOf(node, fh))
        return 0
      }),
    readlink: (id) => {
      try {
        return overlay.readlink(pathOf(id))
      } catch (err) {
        return fail(err)
      }
    },
    mknod: (parent, name, mode, rdev) =>
      guard(() => {
        overlay.mknod(childPath(parent, name), mode, rdev)
        return entry(parent, name)
      }),
    mkdir: (parent, name, mode) =>
      guard(() => {
        overlay.mkdir(childPath(parent, name), mode)
        return entry(parent, name)
      }),
    symlink: (parent, name, target) =>
      guard(() => {
        overlay.symlink(target, childPath(parent, name))
        return entry(parent, name)
      }),
    unlink: (parent, name) =>
      guard(() => {
        overlay.unlink(childPath(parent, name))
        nodes.unname(nodeOf(parent), name)
        return 0
      }),
    rmdir: (parent, name) =>
      guard(() => {
        overlay.rmdir(childPath(parent, name))
        nodes.unname(nodeOf(parent), name)
        return 0
      }),
    rename: (parent, name, newParent, newName, flags) =>
      guard(() => {
        if (flags & ~RENAME_NOREPLACE) return -EINVAL
        const from = childPath(parent, name)
        const to = childPath(newParent, newName)
        if (flags & RENAME_NOREPLACE && overlay.ctx.layers.resolve(to) !== undefined) return -EEXIST
        overlay.rename(from, to)
        nodes.rename(nodeOf(parent), name, nodeOf(newParent), newName)
        return 0
      }),
    link: (id, newParent, newName) =>
      guard(() => {
        const node = nodeOf(id)
        const to = childPath(newParent, newName)
        overlay.link(pathOf(id), to)
        const { attr, linkKey } = overlay.lookupEntry(to)
        writeAttr(io, attr)
        nodes.addName(node, nodeOf(newParent), newName, linkKey)
        return node.id
      }),
    open: (id, flags) =>
      guard(() => {
        const node = nodeOf(id)
        const path = nodes.pathOf(node)
        if (path !== undefined) return opened(node, overlay.open(path, flags))
        // Its name was just renamed over (an atomic save) or reverted: what the name holds now,
        // with the kernel's cached pages of the old file dropped.
        if (node.lastPath === undefined) return pathOf(id) as never
        const fd = opened(node, overlay.open(node.lastPath, flags))
        io[IO.keepCache] = 0
        return fd
      }),
    create: (parent, name, mode, flags) =>
      guard(() => {
        const fd = overlay.create(childPath(parent, name), mode, flags)
        try {
          const node = nodes.get(entry(parent, name)) as Node
          io[IO.node] = node.id
          return opened(node, fd)
        } catch (err) {
          overlay.release(fd)
          throw err
        }
      }),
    release: (id, fh) => {
      nodes.get(id)?.handles.delete(fh)
      try {
        overlay.release(fh)
      } catch (err) {
        fail(err)
      }
    },
    opendir: (id) => guard(() => dirs.open(pathOf(id))),
    readdir: (id, dh, offset, size, plus) => {
      try {
        const piece = dirs.read(dh, offset, size)
        return [piece.names, plus ? plusRows(nodeOf(id), piece) : piece.types, piece.offset]
      } catch (err) {
        return fail(err)
      }
    },
    releasedir: (_id, dh) => dirs.close(dh),
    statfs: () =>
      guard(() => {
        const s = overlay.statfs()
        const o = IO.attr
        io.set([s.bsize, s.bsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree, 255], o)
        return 0
      }),
    setxattr: (id, name, value, flags) =>
      guard(() => {
        overlay.setxattr(pathOf(id), name, value, flags)
        return 0
      }),
    getxattr: (id, name) => {
      try {
        return overlay.getxattr(pathOf(id), name) ?? -ENODATA
      } catch (err) {
        return fail(err)
      }
    },
    listxattr: (id) => {
      try {
        return overlay.listxattr(pathOf(id))
      } catch (err) {
        return fail(err)
      }
    },
    removexattr: (id, name) =>
      guard(() => {
        overlay.removexattr(pathOf(id), name)
        return 0
      }),
    wrote: (_id, fh) => overlay.noteWrite(fh),
    ended: () => c.ended(),
    gone: () => c.gone(),
    error: (err) => c.log(err),
  }
}
