/** Errors of the overlay engine speak errno, in Node's own message format. */
import { displayPath } from './byteNames.ts'

const DESCRIPTIONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'file already exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
  ENOTEMPTY: 'directory not empty',
  EBUSY: 'resource busy or locked',
  EXDEV: 'cross-device link not permitted',
  EROFS: 'read-only file system',
  EPERM: 'operation not permitted',
  EACCES: 'permission denied',
  EINVAL: 'invalid argument',
  EBADF: 'bad file descriptor',
  ENOSPC: 'no space left on device',
  ENODATA: 'no data available',
  ENOTSUP: 'operation not supported',
  ENAMETOOLONG: 'name too long',
  EMLINK: 'too many links',
  EIO: 'i/o error',
  ELOOP: 'too many symbolic links encountered',
  EMFILE: 'too many open files',
  ESTALE: 'stale file handle',
  ENOTCONN: 'transport endpoint is not connected',
}

export class OverlayError extends Error {
  readonly code: string
  readonly syscall: string
  readonly path: string

  constructor(code: string, syscall: string, path: string, detail?: string) {
    const description = DESCRIPTIONS[code] ?? code.toLowerCase()
    // Errno errors are answers, not bugs: skip the stack trace (ENOENT is on the FUSE hot path).
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(`${code}: ${detail ?? description}, ${syscall} '${displayPath(path)}'`)
    Error.stackTraceLimit = limit
    this.name = 'OverlayError'
    this.code = code
    this.syscall = syscall
    this.path = path
  }
}

/** The errno code of any error thrown by the engine or by a system call, or undefined. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err).code
    return typeof code === 'string' ? code : undefined
  }
  return undefined
}

export function hasCode(err: unknown, ...codes: string[]): boolean {
  const code = errorCode(err)
  return code !== undefined && codes.includes(code)
}
