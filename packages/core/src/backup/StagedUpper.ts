/**
 * A new upper/ being built in work/layerdeck/ from validated archive entries (and, for a merge,
 * links to the current storage entries the backup does not replace). Nothing here touches upper/:
 * the caller swaps the finished tree in with renames. Every parent was created here by mkdir, so
 * no write can follow a symlink out of the staging directory.
 */
import { writeAll } from '../engine/smallFile.ts'
import { O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY, S_IFIFO } from '../engine/fileMode.ts'
import { hasCode } from '../engine/OverlayError.ts'
import type { Staging } from '../engine/staging.ts'
import { OPAQUE_XATTR, type StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import type { RestoreEntry } from './archiveValidator.ts'
import type { StorageEntry } from './walkStorage.ts'

interface DirMeta {
  real: string
  mode: number
  uid: number
  gid: number
  atimeMs: number
  mtimeMs: number
  xattrs: Array<[string, Buffer]>
  opaque: boolean
  /** The archive entry: its opaque marker may come after it. */
  source?: RestoreEntry
}

export class StagedUpper {
  readonly root: string
  readonly #sys: Sys
  readonly #paths: StoragePaths
  readonly #staging: Staging
  readonly #dirs: DirMeta[] = []
  #rootMeta: DirMeta | undefined

  constructor(sys: Sys, paths: StoragePaths, staging: Staging, root: string) {
    this.#sys = sys
    this.#paths = paths
    this.#staging = staging
    this.root = root
    sys.mkdir(root, 0o700)
  }

  #real(path: string): string {
    return path === '' ? this.root : `${this.root}/${path}`
  }

  /** Creates one archive entry; a regular file's data comes from `body`. */
  async add(entry: RestoreEntry, body: AsyncIterable<Buffer>): Promise<void> {
    const real = this.#real(entry.path)
    const sys = this.#sys
    switch (entry.kind) {
      case 'dir':
        if (entry.path !== '') sys.mkdir(real, 0o700)
        this.#dirMeta(entry, real)
        return
      case 'file':
        await this.#file(entry, real, body)
        return
      case 'symlink':
        sys.symlink(entry.target as string, real)
        this.#meta(entry, real)
        return
      case 'hardlink':
        sys.link(this.#real(entry.target as string), real)
        return
      case 'fifo':
        sys.mknod(real, S_IFIFO | entry.mode, 0)
        this.#meta(entry, real)
        return
      case 'whiteout':
        this.whiteout(real)
        return
    }
  }

  #dirMeta(entry: RestoreEntry, real: string): void {
    const meta = { real, ...pickMeta(entry), xattrs: entry.xattrs, opaque: false, source: entry }
    if (entry.path === '') this.#rootMeta = meta
    else this.#dirs.push(meta)
  }

  async #file(entry: RestoreEntry, real: string, body: AsyncIterable<Buffer>): Promise<void> {
    const sys = this.#sys
    const fd = sys.open(real, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
    try {
      let pos = 0
      for await (const chunk of body) {
        // All-zero chunks stay holes: sparse files stay sparse.
        if (!isZero(chunk)) writeAll(sys, fd, chunk, 0, chunk.length, pos)
        pos += chunk.length
      }
      sys.ftruncate(fd, entry.size)
      sys.fchown(fd, entry.uid, entry.gid)
      sys.fchmod(fd, entry.mode)
      for (const [name, value] of entry.xattrs) sys.setXattr(real, name, value)
      sys.futimes(fd, entry.atimeMs, entry.mtimeMs)
    } finally {
      sys.close(fd)
    }
  }

  #meta(entry: RestoreEntry, real: string): void {
    const sys = this.#sys
    sys.lchown(real, entry.uid, entry.gid)
    if (entry.kind !== 'symlink') sys.chmod(real, entry.mode)
    for (const [name, value] of entry.xattrs) sys.setXattr(real, name, value)
    sys.lutimes(real, entry.atimeMs, entry.mtimeMs)
  }

  /** A whiteout: one more hard link of the storage's shared 0/0 character device. */
  whiteout(real: string): void {
    try {
      this.#sys.link(this.#paths.whiteout, real)
    } catch (err) {
      if (!hasCode(err, 'EMLINK', 'ENOENT')) throw err
      this.#staging.newWhiteout()
      this.#sys.link(this.#paths.whiteout, real)
    }
  }

  /** Keeps a current storage entry (merge): non-directories are hard-linked, directories made anew. */
  keep(entry: StorageEntry): void {
    const real = this.#real(entry.path)
    if (entry.kind === 'whiteout') return this.whiteout(real)
    if (entry.kind !== 'dir') return this.#sys.link(entry.real, real)
    if (entry.path !== '') this.#sys.mkdir(real, 0o700)
    const s = entry.stat
    const meta = { real, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, atimeMs: s.atimeMs, mtimeMs: s.mtimeMs, xattrs: entry.xattrs, opaque: false }
    if (entry.path === '') this.#rootMeta = meta
    else this.#dirs.push(meta)
  }

  /** Marks the root opaque when the archive said so without a root entry. */
  markRootOpaque(): void {
    if (this.#rootMeta !== undefined) this.#rootMeta.opaque = true
  }

  /** Sets directory metadata last (children first), so creating entries cannot disturb it. */
  finish(rootFallback: Omit<DirMeta, 'real'>): void {
    const dirs = [...this.#dirs].reverse()
    dirs.push(this.#rootMeta ?? { real: this.root, ...rootFallback })
    for (const d of dirs) {
      this.#sys.lchown(d.real, d.uid, d.gid)
      this.#sys.chmod(d.real, d.mode)
      for (const [name, value] of d.xattrs) this.#sys.setXattr(d.real, name, value)
      if (d.opaque || d.source?.opaque === true) this.#sys.setXattr(d.real, OPAQUE_XATTR, Buffer.from('y'))
      this.#sys.lutimes(d.real, d.atimeMs, d.mtimeMs)
    }
  }
}

function pickMeta(e: RestoreEntry): Omit<DirMeta, 'real' | 'xattrs' | 'opaque'> {
  return { mode: e.mode, uid: e.uid, gid: e.gid, atimeMs: e.atimeMs, mtimeMs: e.mtimeMs }
}

const ZERO = Buffer.alloc(64 * 1024)

function isZero(buf: Buffer): boolean {
  for (let off = 0; off < buf.length; off += ZERO.length) {
    const part = buf.subarray(off, off + ZERO.length)
    if (!part.equals(ZERO.subarray(0, part.length))) return false
  }
  return true
}
