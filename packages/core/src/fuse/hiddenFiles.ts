/**
 * libfuse 2 does not unlink an open file: it renames it to `.fuse_hidden<16 hex>` and unlinks
 * that name at the last release (rm of an open file, or a rename over it). Put in storage, that
 * name would show up in status and backups, and a crash would leave it there for good. Instead
 * the file leaves the merged view at once (a base file is whited out, a storage file is moved
 * into work/, where the next mount cleans it after a crash), and the hidden name is served from
 * this table until libfuse unlinks it.
 */
import { storageIno, toAttr, type Attr } from '../engine/attr.ts'
import { resolveTimes } from '../engine/metadata.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import type { Overlay } from '../engine/Overlay.ts'

const HIDDEN_NAME = /\/\.fuse_hidden[0-9a-f]{16}$/

export class HiddenFiles {
  readonly #overlay: Overlay
  /** Hidden merged path → real path in work/ (absent for base files: nothing to serve). */
  readonly #kept = new Map<string, string>()

  constructor(overlay: Overlay) {
    this.#overlay = overlay
  }

  /** rename(from, to) from libfuse: hide when `to` is a hidden name; false when it is not one. */
  hide(from: string, to: string): boolean {
    if (!HIDDEN_NAME.test(to)) return false
    const kept = this.#overlay.unlinkKeepingOpen(from)
    if (kept !== undefined) this.#kept.set(to, kept)
    return true
  }

  has(path: string): boolean {
    return this.#kept.has(path)
  }

  getattr(path: string): Attr {
    const stat = this.#overlay.ctx.sys.lstat(this.#real(path, 'stat'))
    if (stat === undefined) throw new OverlayError('ENOENT', 'stat', path)
    return toAttr(stat, storageIno(stat.ino), false)
  }

  /** Attribute changes libfuse sends by path (fchmod, fchown, futimens, ftruncate). */
  apply(path: string, change: 'chmod' | 'chown' | 'utimens' | 'truncate', a: number, b = 0): void {
    const real = this.#real(path, change)
    const { sys } = this.#overlay.ctx
    if (change === 'chmod') sys.chmod(real, a & 0o7777)
    else if (change === 'chown') sys.lchown(real, a === 0xffffffff ? -1 : a, b === 0xffffffff ? -1 : b)
    else if (change === 'utimens') {
      const stat = sys.lstat(real)
      if (stat === undefined) throw new OverlayError('ENOENT', change, path)
      sys.lutimes(real, ...resolveTimes(a, b, stat))
    }
    else sys.truncate(real, a)
  }

  unlink(path: string): void {
    this.#overlay.ctx.sys.unlink(this.#real(path, 'unlink'))
    this.#kept.delete(path)
  }

  #real(path: string, syscall: string): string {
    const real = this.#kept.get(path)
    if (real === undefined) throw new OverlayError('ENOENT', syscall, path)
    return real
  }
}
