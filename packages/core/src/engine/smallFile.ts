/**
 * Small files of the storage's own bookkeeping (journals, notes, records in work/layerdeck/),
 * written so that a crash leaves the old file or the complete new one.
 */
import { hasCode, OverlayError } from './OverlayError.ts'
import type { Sys } from './sys.ts'

const O_RDONLY = 0
const O_DIRECTORY = 0o200000
const O_WRONLY_CREAT_TRUNC = 0o1 | 0o100 | 0o1000

/**
 * Writes all `length` bytes of `buf` from `offset` at file position `position`: pwrite may write
 * less than asked (a filesystem that is nearly full does), and the rest is written again until it
 * fails (ENOSPC) — a short write never passes for a complete one.
 */
export function writeAll(sys: Sys, fd: number, buf: Buffer, offset: number, length: number, position: number): void {
  for (let done = 0; done < length; ) {
    const n = sys.write(fd, buf, offset + done, length - done, position + done)
    if (n <= 0) throw new OverlayError('ENOSPC', 'write', String(fd))
    done += n
  }
}

/** Writes a small file atomically (temp file, fsync, rename, fsync of the directory). */
export function writeFileAtomic(sys: Sys, dir: string, name: string, text: string): void {
  const tmp = `${dir}/.${name}.tmp`
  const fd = sys.open(tmp, O_WRONLY_CREAT_TRUNC, 0o600)
  try {
    const data = Buffer.from(text)
    writeAll(sys, fd, data, 0, data.length, 0)
    sys.fsync(fd)
  } finally {
    sys.close(fd)
  }
  sys.rename(tmp, `${dir}/${name}`)
  syncDir(sys, dir)
}

/** The whole text of a small file, or undefined when there is none. */
export function readFileText(sys: Sys, path: string): string | undefined {
  if (sys.lstat(path) === undefined) return undefined
  const fd = sys.open(path, O_RDONLY)
  try {
    const size = sys.fstat(fd).size
    const buf = Buffer.alloc(size)
    let off = 0
    while (off < size) {
      const n = sys.read(fd, buf, off, size - off, off)
      if (n === 0) break
      off += n
    }
    return buf.subarray(0, off).toString('utf8')
  } finally {
    sys.close(fd)
  }
}

/** fsync(2) of a directory, so renames in it are on disk. */
export function syncDir(sys: Sys, path: string): void {
  const fd = sys.open(path, O_RDONLY | O_DIRECTORY)
  try {
    sys.fsync(fd)
  } finally {
    sys.close(fd)
  }
}

/** Removes a bookkeeping file; one that is already gone is fine. */
export function removeFile(sys: Sys, path: string): void {
  try {
    sys.unlink(path)
  } catch (err) {
    if (!hasCode(err, 'ENOENT')) throw err
  }
}
