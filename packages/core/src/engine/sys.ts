/**
 * The one door through which the engine reaches the disk: the system calls it needs, synchronous
 * (a FUSE request costs about half as much with synchronous calls on Node's main thread).
 * Production passes `createNodeSys()`; tests pass a wrapper that injects faults.
 * Every call throws a Node-style error with `code` (ENOENT, ENOSPC, ...) on failure.
 */

export interface FileStat {
  mode: number
  uid: number
  gid: number
  size: number
  ino: number
  dev: number
  nlink: number
  rdev: number
  blksize: number
  blocks: number
  atimeMs: number
  mtimeMs: number
  ctimeMs: number
}

export interface FsStats {
  /** Block size used by the counts below. */
  bsize: number
  blocks: number
  bfree: number
  bavail: number
  files: number
  ffree: number
}

export interface Sys {
  /** lstat; undefined when the path does not exist (ENOENT/ENOTDIR). */
  lstat(path: string): FileStat | undefined
  fstat(fd: number): FileStat
  open(path: string, flags: number, mode?: number): number
  close(fd: number): void
  read(fd: number, buf: Buffer, offset: number, length: number, position: number): number
  write(fd: number, buf: Buffer, offset: number, length: number, position: number): number
  ftruncate(fd: number, length: number): void
  fsync(fd: number): void
  fdatasync(fd: number): void
  fchown(fd: number, uid: number, gid: number): void
  fchmod(fd: number, mode: number): void
  futimes(fd: number, atimeMs: number, mtimeMs: number): void
  /** Copies a whole file's data into a new file (fails if `dest` exists). */
  copyFile(src: string, dest: string): void
  readdir(path: string): string[]
  /** Names of the character devices in a directory (whiteout candidates), from d_type. */
  readdirCharDevices(path: string): string[]
  mkdir(path: string, mode: number): void
  rmdir(path: string): void
  unlink(path: string): void
  rename(from: string, to: string): void
  link(existing: string, newPath: string): void
  symlink(target: string, path: string): void
  readlink(path: string): string
  chmod(path: string, mode: number): void
  lchown(path: string, uid: number, gid: number): void
  lutimes(path: string, atimeMs: number, mtimeMs: number): void
  truncate(path: string, length: number): void
  /** mknod(2): FIFOs, device nodes and the 0/0 character device of a whiteout. */
  mknod(path: string, mode: number, rdev: number): void
  statfs(path: string): FsStats
  /** Extended attributes, never following symlinks. getXattr: undefined when absent. */
  getXattr(path: string, name: string): Buffer | undefined
  setXattr(path: string, name: string, value: Buffer): void
  listXattr(path: string): string[]
  removeXattr(path: string, name: string): void
}
