/**
 * The one door through which the engine reaches the disk: the system calls it needs, synchronous
 * (a FUSE request costs about half as much with synchronous calls on Node's main thread).
 * Production passes `createSys()` (sys/nativeSys.ts); tests pass a wrapper that injects faults.
 * Every call throws a Node-style error with `code` (ENOENT, ENOSPC, ...) on failure.
 *
 * Paths are absolute; names in them are surrogateescape strings (byteNames.ts). No call follows
 * a symbolic link in any component of a path: a path whose parent is a symlink does not exist
 * (lstat answers undefined), so nothing below the storage or the base can lead out of it.
 */

/** A point in time as the kernel keeps it: seconds and nanoseconds. */
export interface Timestamp {
  sec: number
  nsec: number
}

/** utimensat(2)'s special nsec values: "now" and "leave as it is". */
export const UTIME_NOW = (1 << 30) - 1
export const UTIME_OMIT = (1 << 30) - 2
/** renameat2(2) flag: fail with EEXIST instead of replacing. */
export const RENAME_NOREPLACE = 1

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
  /** The exact times (the *Ms fields are these, rounded to what a double holds). */
  atimeSec: number
  atimeNsec: number
  mtimeSec: number
  mtimeNsec: number
  ctimeSec: number
  ctimeNsec: number
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
  /** Exact times (nsec may be UTIME_NOW or UTIME_OMIT). */
  futimens(fd: number, atime: Timestamp, mtime: Timestamp): void
  /** Copies a whole file's data into a new file (fails if `dest` exists). */
  copyFile(src: string, dest: string): void
  readdir(path: string): string[]
  /** Names of the character devices in a directory (whiteout candidates), from d_type. */
  readdirCharDevices(path: string): string[]
  mkdir(path: string, mode: number): void
  rmdir(path: string): void
  unlink(path: string): void
  /** rename(2); with RENAME_NOREPLACE fails with EEXIST instead of replacing. */
  rename(from: string, to: string, flags?: number): void
  link(existing: string, newPath: string): void
  symlink(target: string, path: string): void
  readlink(path: string): string
  chmod(path: string, mode: number): void
  lchown(path: string, uid: number, gid: number): void
  lutimes(path: string, atimeMs: number, mtimeMs: number): void
  /** Exact times of the entry itself (never a symlink's target); nsec may be UTIME_NOW/OMIT. */
  utimens(path: string, atime: Timestamp, mtime: Timestamp): void
  truncate(path: string, length: number): void
  /** mknod(2): FIFOs, device nodes and the 0/0 character device of a whiteout. */
  mknod(path: string, mode: number, rdev: number): void
  statfs(path: string): FsStats
  /** Extended attributes, never following symlinks. getXattr: undefined when absent. */
  getXattr(path: string, name: string): Buffer | undefined
  setXattr(path: string, name: string, value: Buffer): void
  listXattr(path: string): string[]
  removeXattr(path: string, name: string): void
  /** Makes `fd` refer to what `withFd` refers to (dup2): an open file follows its copy-up. */
  replaceFd(fd: number, withFd: number): void
  /** Opens (creating, 0600) and exclusively locks a file; undefined when another holds the lock. */
  tryLock(path: string): number | undefined
  /** Raises this process's open-file limit as far as allowed; returns the limit. */
  raiseFileLimit(): number
}
