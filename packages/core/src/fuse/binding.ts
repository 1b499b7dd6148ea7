/**
 * The JavaScript face of LayerDeck's libfuse3 low-level binding (packages/core/native/fuse.c).
 * Node ids are ours (nodes.ts); a file handle is the descriptor of the layer file, which the
 * binding reads and writes on its own threads. Results travel back as numbers (a node id, a
 * descriptor, 0, or -errno) with attributes left in the shared `io` array.
 */
import { loadNative } from '../sys/native.ts'

/** Slots of the shared Float64Array (see fuse.h). */
export const IO = {
  uid: 0,
  gid: 1,
  pid: 2,
  attr: 8,
  attrTimeout: 23,
  entryTimeout: 24,
  generation: 25,
  keepCache: 30,
  directIo: 31,
  node: 32,
  size: 64,
} as const

/** libfuse's FUSE_SET_ATTR_* bits. */
export const SET = { mode: 1, uid: 2, gid: 4, size: 8, atime: 16, mtime: 32 } as const

/** What every operation answers: a node id or descriptor (>= 0), 0, or -errno. */
type Code = number

export interface LowLevelOps {
  lookup(parent: number, name: string): Code
  forget(node: number, count: number): void
  getattr(node: number, fh: number): Code
  setattr(
    node: number, valid: number, mode: number, uid: number, gid: number, size: number,
    aSec: number, aNsec: number, mSec: number, mNsec: number, fh: number,
  ): Code
  readlink(node: number): string | Code
  mknod(parent: number, name: string, mode: number, rdev: number): Code
  mkdir(parent: number, name: string, mode: number): Code
  unlink(parent: number, name: string): Code
  rmdir(parent: number, name: string): Code
  symlink(parent: number, name: string, target: string): Code
  rename(parent: number, name: string, newParent: number, newName: string, flags: number): Code
  link(node: number, newParent: number, newName: string): Code
  open(node: number, flags: number): Code
  create(parent: number, name: string, mode: number, flags: number): Code
  release(node: number, fh: number): void
  opendir(node: number): Code
  /** With `plus` (readdirplus): 17 numbers per entry (attributes, node id, timeout) instead of 2. */
  readdir(node: number, dh: number, offset: number, size: number, plus: number): [string[], Float64Array, number] | Code
  releasedir(node: number, dh: number): void
  statfs(node: number): Code
  setxattr(node: number, name: string, value: Buffer, flags: number): Code
  getxattr(node: number, name: string): Buffer | Code
  listxattr(node: number): string[] | Code
  removexattr(node: number, name: string): Code
  wrote(node: number, fh: number): void
  ended(): void
  gone(): void
  error(err: unknown): void
}

declare const sessionBrand: unique symbol
export type Session = { readonly [sessionBrand]: true }

interface NativeFuse {
  fuseMount(mountpoint: string, options: string, ops: LowLevelOps, io: Float64Array, threads: number, maxWrite: number): Session
  fuseUnmount(s: Session): void
  fuseAbort(s: Session): void
  fuseDestroy(s: Session): void
  fuseStrand(fd: number): void
  fuseInvalidate(s: Session, inodes: number[], parents: number[], names: string[], done: () => void): void
}

export function loadBinding(): NativeFuse {
  return loadNative<NativeFuse>('fuse')
}
