// fuse-native 2.2.6 ships no types; this covers what LayerDeck uses.
declare module 'fuse-native' {
  type Done = (result: number, ...values: unknown[]) => void
  export interface FuseStat {
    mode: number
    uid: number
    gid: number
    size: number
    dev: number
    nlink: number
    ino: number
    rdev: number
    blksize: number
    blocks: number
    atime: number
    mtime: number
    ctime: number
  }
  export interface FuseStatfs {
    bsize: number
    frsize: number
    blocks: number
    bfree: number
    bavail: number
    files: number
    ffree: number
    favail: number
    fsid: number
    flag: number
    namemax: number
  }
  export interface FuseOps {
    init?(cb: Done): void
    statfs?(path: string, cb: Done): void
    getattr?(path: string, cb: Done): void
    fgetattr?(path: string, fd: number, cb: Done): void
    flush?(path: string, fd: number, cb: Done): void
    fsync?(path: string, datasync: number, fd: number, cb: Done): void
    readdir?(path: string, cb: Done): void
    truncate?(path: string, size: number, cb: Done): void
    ftruncate?(path: string, fd: number, size: number, cb: Done): void
    utimens?(path: string, atime: number, mtime: number, cb: Done): void
    readlink?(path: string, cb: Done): void
    chown?(path: string, uid: number, gid: number, cb: Done): void
    chmod?(path: string, mode: number, cb: Done): void
    mknod?(path: string, mode: number, dev: number, cb: Done): void
    setxattr?(path: string, name: string, value: Buffer, position: number, flags: number, cb: Done): void
    getxattr?(path: string, name: string, position: number, cb: Done): void
    listxattr?(path: string, cb: Done): void
    removexattr?(path: string, name: string, cb: Done): void
    open?(path: string, flags: number, cb: Done): void
    read?(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: (n: number) => void): void
    write?(path: string, fd: number, buf: Buffer, len: number, pos: number, cb: (n: number) => void): void
    release?(path: string, fd: number, cb: Done): void
    create?(path: string, mode: number, cb: Done): void
    unlink?(path: string, cb: Done): void
    rename?(src: string, dest: string, cb: Done): void
    link?(src: string, dest: string, cb: Done): void
    symlink?(target: string, path: string, cb: Done): void
    mkdir?(path: string, mode: number, cb: Done): void
    rmdir?(path: string, cb: Done): void
  }
  export interface FuseOptions {
    timeout?: number | false
    allowOther?: boolean
    defaultPermissions?: boolean
    autoCache?: boolean
    kernelCache?: boolean
    fsname?: string
    subtype?: string
    entryTimeout?: number
    attrTimeout?: number
    debug?: boolean
    force?: boolean
    mkdir?: boolean
  }
  export default class Fuse {
    constructor(mountpoint: string, ops: FuseOps, options?: FuseOptions)
    mount(cb: (err: Error | null) => void): void
    unmount(cb: (err: Error | null) => void): void
    static unmount(mountpoint: string, cb: (err: Error | null) => void): void
  }
}
