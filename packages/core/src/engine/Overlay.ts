/**
 * The overlay engine: a merged view of a read-only base and a writable storage, with the
 * operations of a filesystem. Synchronous (it runs on the FUSE thread of Node's event loop) and
 * errno-speaking (it throws OverlayError). Knows nothing of FUSE, HTTP or node:fs.
 */
import { inoOf, toAttr, type Attr } from './attr.ts'
import type { Caller, OverlayContext } from './context.ts'
import { forChange } from './copyUp.ts'
import type { ChangeEvent, ChangeKind, ChangeListener } from './events.ts'
import { isDir, O_TRUNC } from './fileMode.ts'
import { HandleTable } from './handles.ts'
import { Layers } from './layers.ts'
import { mergedEntries, mergedNames } from './mergedDir.ts'
import { nameOf, parentOf, ROOT } from './mergedPath.ts'
import * as meta from './metadata.ts'
import * as ns from './namespace.ts'
import { OverlayError } from './OverlayError.ts'
import { createFile, openFile } from './openFiles.ts'
import { recoverRename, rename } from './rename.ts'
import { recoverGuards } from './whiteoutGuard.ts'
import { Snapshots } from './snapshots.ts'
import { Staging } from './staging.ts'
import { storagePaths } from './storageFormat.ts'
import type { FsStats, Sys, Timestamp } from './sys.ts'


export interface OverlayOptions {
  sys: Sys
  /** The read-only base directory. */
  base: string
  /** The storage directory (holds upper/ and work/). */
  storage: string
  onChange?: ChangeListener
  /** Who made the request being served; without it new entries belong to root. */
  caller?: () => Caller | undefined
  /**
   * Open files a user other than root may hold at once (EMFILE past it), so that no user can
   * exhaust the daemon's descriptors and stop the device; root is never capped.
   */
  perUserHandles?: number
}

export class Overlay {
  readonly ctx: OverlayContext
  readonly handles: HandleTable
  /** Point-in-time snapshots for consistent live backups. */
  readonly snapshots: Snapshots
  /** Stale staging entries removed when this overlay was opened (left by a crash). */
  readonly staleStagesRemoved: number
  /** What opening this overlay finished after a crash (an interrupted rename), for the log. */
  readonly recovered: string[] = []
  #listener: ChangeListener | undefined
  readonly #perUserHandles: number

  constructor(options: OverlayOptions) {
    this.#perUserHandles = options.perUserHandles ?? Number.POSITIVE_INFINITY
    const { sys } = options
    const paths = storagePaths(options.storage)
    const staging = new Staging(sys, paths)
    this.staleStagesRemoved = staging.prepare()
    this.handles = new HandleTable(sys)
    const layers = new Layers(sys, options.base, paths)
    this.ctx = {
      sys,
      layers,
      staging,
      paths,
      onCopiedUp: (p, real) => this.handles.copiedUp(p, real),
      reopened: (p, real) => this.handles.reopenAt(p, real),
      caller: options.caller ?? (() => undefined),
    }
    this.snapshots = new Snapshots(this.ctx)
    this.ctx.snapshots = this.snapshots
    this.snapshots.removeStale()
    this.#listener = options.onChange
    const note = recoverRename(this.ctx)
    if (note !== undefined) this.recovered.push(note)
    const hidden = recoverGuards(this.ctx)
    if (hidden > 0) this.recovered.push(`hid ${hidden} deleted name(s) again after a crash`)
  }

  set onChange(listener: ChangeListener | undefined) {
    this.#listener = listener
  }

  getattr(path: string): Attr {
    const entry = this.ctx.layers.require(path, 'stat')
    if (isDir(entry.stat.mode)) {
      // Directory facts are cached: the inode number comes without another lstat.
      const info = this.ctx.layers.dir(path)
      if (info !== undefined) return toAttr(entry.stat, info.ino, info.upper !== null && info.base !== null)
    }
    const { ino, merged } = inoOf(this.ctx.layers, entry, nameOf(path))
    return toAttr(entry.stat, ino, merged, this.ctx.snapshots?.extraLinks(entry.stat))
  }

  /**
   * getattr, plus a key naming the storage inode when other names share it (a hard link), so
   * the binding can give all names one kernel inode.
   */
  lookupEntry(path: string): { attr: Attr; linkKey: string | undefined } {
    const attr = this.getattr(path)
    if (attr.nlink < 2 || isDir(attr.mode)) return { attr, linkKey: undefined }
    const entry = this.ctx.layers.resolve(path)
    const linkKey = entry?.layer === 'storage' ? `${entry.stat.dev}:${entry.stat.ino}` : undefined
    return { attr, linkKey }
  }

  fgetattr(handleId: number): Attr {
    const handle = this.handles.get(handleId, 'fstat')
    const stat = this.ctx.sys.fstat(handle.fd)
    return toAttr(stat, handle.ino, false, this.ctx.snapshots?.extraLinks(stat))
  }

  readdir(path: string): string[] {
    const info = this.ctx.layers.dir(path)
    if (info === undefined) {
      this.ctx.layers.require(path, 'scandir')
      throw new OverlayError('ENOTDIR', 'scandir', path)
    }
    return mergedNames(this.ctx, info)
  }

  /** readdir with each entry's attributes, plus '.' and '..'. */
  readdirWithAttrs(path: string): { names: string[]; attrs: Attr[] } {
    const info = this.ctx.layers.dir(path)
    if (info === undefined) {
      this.ctx.layers.require(path, 'scandir')
      throw new OverlayError('ENOTDIR', 'scandir', path)
    }
    const { names, attrs } = mergedEntries(this.ctx, info)
    const self = this.getattr(path)
    const parent = path === ROOT ? self : this.getattr(parentOf(path))
    return { names: ['.', '..', ...names], attrs: [self, parent, ...attrs] }
  }

  readlink(path: string): string {
    return this.ctx.sys.readlink(this.ctx.layers.require(path, 'readlink').real)
  }

  /** Opens a file; the handle is the descriptor of the file in its layer. */
  open(path: string, flags: number): number {
    const fd = openFile(this.ctx, this.handles, path, flags, this.#admit('open', path))
    if ((flags & O_TRUNC) !== 0) this.#emit('modify', path)
    return fd
  }

  create(path: string, mode: number, flags = 0o2): number {
    const fd = createFile(this.ctx, this.handles, path, mode, flags, this.#admit('open', path))
    this.#emit('create', path)
    return fd
  }

  /** Reads through a handle (the FUSE binding reads the descriptor itself). */
  read(handleId: number, buf: Buffer, length: number, position: number): number {
    return this.ctx.sys.read(this.handles.get(handleId, 'read').fd, buf, 0, length, position)
  }

  write(handleId: number, buf: Buffer, length: number, position: number): number {
    const n = this.ctx.sys.write(this.handles.get(handleId, 'write').fd, buf, 0, length, position)
    this.noteWrite(handleId)
    return n
  }

  /** The binding served the first write through a handle: one change event per handle. */
  noteWrite(handleId: number): void {
    const handle = this.handles.find(handleId)
    if (handle === undefined || handle.written) return
    handle.written = true
    this.#emit('modify', handle.path)
  }

  truncate(path: string, size: number): void {
    const found = this.ctx.layers.require(path, 'truncate')
    if (isDir(found.stat.mode)) throw new OverlayError('EISDIR', 'truncate', path)
    const entry = forChange(this.ctx, path, found, size > 0)
    this.ctx.sys.truncate(entry.real, size)
    this.#emit('modify', path)
  }

  ftruncate(handleId: number, size: number): void {
    const handle = this.handles.get(handleId, 'ftruncate')
    this.ctx.sys.ftruncate(handle.fd, size)
    this.#emit('modify', handle.path)
  }

  /** Attribute changes through an open handle (a file unlinked while open has no path). */
  fchmod(handleId: number, mode: number): void {
    this.ctx.sys.fchmod(this.handles.get(handleId, 'fchmod').fd, mode & 0o7777)
  }

  fchown(handleId: number, uid: number, gid: number): void {
    this.ctx.sys.fchown(this.handles.get(handleId, 'fchown').fd, meta.toId(uid), meta.toId(gid))
  }

  futimens(handleId: number, atime: Timestamp, mtime: Timestamp): void {
    this.ctx.sys.futimens(this.handles.get(handleId, 'futimens').fd, atime, mtime)
  }

  release(handleId: number): void {
    this.handles.release(handleId)
  }

  /** Space of the storage filesystem: that is where writes go. */
  statfs(): FsStats {
    return this.ctx.sys.statfs(this.ctx.paths.upper)
  }

  unlink(path: string): void {
    ns.unlink(this.ctx, path)
    this.#emit('delete', path)
  }

  rmdir(path: string): void {
    ns.rmdir(this.ctx, path)
    this.#emit('delete', path)
  }

  mkdir(path: string, mode: number): void {
    ns.mkdir(this.ctx, path, mode)
    this.#emit('mkdir', path)
  }

  symlink(target: string, path: string): void {
    ns.symlink(this.ctx, target, path)
    this.#emit('create', path)
  }

  mknod(path: string, mode: number, rdev: number): void {
    ns.mknod(this.ctx, path, mode, rdev)
    this.#emit('create', path)
  }

  link(from: string, to: string): void {
    ns.link(this.ctx, from, to)
    this.#emit('create', to)
  }

  rename(from: string, to: string): void {
    rename(this.ctx, from, to)
    this.handles.renamed(from, to)
    this.#emit('rename', from, to)
  }

  chmod(path: string, mode: number): void {
    meta.chmod(this.ctx, path, mode)
    this.#emit('metadata', path)
  }

  chown(path: string, uid: number, gid: number): void {
    meta.chown(this.ctx, path, uid, gid)
    this.#emit('metadata', path)
  }

  /** Exact times; nsec UTIME_NOW or UTIME_OMIT as utimensat(2) means them. */
  utimens(path: string, atime: Timestamp, mtime: Timestamp): void {
    meta.utimens(this.ctx, path, atime, mtime)
    this.#emit('metadata', path)
  }

  getxattr(path: string, name: string): Buffer | undefined {
    return meta.getxattr(this.ctx, path, name)
  }

  listxattr(path: string): string[] {
    return meta.listxattr(this.ctx, path)
  }

  setxattr(path: string, name: string, value: Buffer, flags: number): void {
    meta.setxattr(this.ctx, path, name, value, flags)
    this.#emit('metadata', path)
  }

  removexattr(path: string, name: string): void {
    meta.removexattr(this.ctx, path, name)
    this.#emit('metadata', path)
  }

  /** Closes every open file (at unmount). */
  close(): void {
    this.handles.closeAll()
  }

  /** The opener of a new handle, refused with EMFILE past the per-user cap (see handles.ts). */
  #admit(syscall: string, path: string): Caller | undefined {
    const opener = this.ctx.caller?.()
    this.handles.admit(opener, this.#perUserHandles, syscall, path)
    return opener
  }

  #emit(kind: ChangeKind, path: string, to?: string): void {
    if (this.#listener === undefined) return
    const event: ChangeEvent = { kind, path, time: Date.now() }
    if (to !== undefined) event.to = to
    const caller = this.ctx.caller?.()
    if (caller !== undefined && caller.pid > 0) event.writer = { pid: caller.pid, uid: caller.uid }
    this.#listener(event)
  }
}

