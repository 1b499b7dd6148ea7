/** st_mode bits, as in <sys/stat.h>. */
export const S_IFMT = 0o170000
export const S_IFSOCK = 0o140000
export const S_IFLNK = 0o120000
export const S_IFREG = 0o100000
export const S_IFBLK = 0o060000
export const S_IFDIR = 0o040000
export const S_IFCHR = 0o020000
export const S_IFIFO = 0o010000

export const isDir = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR
export const isFile = (mode: number): boolean => (mode & S_IFMT) === S_IFREG
export const isSymlink = (mode: number): boolean => (mode & S_IFMT) === S_IFLNK
export const isCharDevice = (mode: number): boolean => (mode & S_IFMT) === S_IFCHR

/** open(2) flags on Linux. */
export const O_RDONLY = 0
export const O_WRONLY = 1
export const O_RDWR = 2
export const O_ACCMODE = 3
export const O_CREAT = 0o100
export const O_EXCL = 0o200
export const O_NOCTTY = 0o400
export const O_TRUNC = 0o1000
export const O_APPEND = 0o2000
export const O_NOFOLLOW = 0o400000
export const O_DIRECTORY = 0o200000

export const wantsWrite = (flags: number): boolean => (flags & O_ACCMODE) !== O_RDONLY
