/**
 * Open files: a handle is the real file descriptor of the file in its layer (the FUSE binding
 * reads and writes it directly). A handle opened on a base file follows the file when another
 * handle copies it up (the descriptor number stays; dup2 points it at the storage copy), so it
 * keeps reading what the merged view holds. Each handle remembers who opened it, for the list of
 * open files a revert or reset would strand.
 */
import type { Caller } from './context.ts'
import type { Layer } from './layers.ts'
import { isWithin } from './mergedPath.ts'
import { O_ACCMODE, O_APPEND } from './fileMode.ts'
import { OverlayError } from './OverlayError.ts'
import type { Sys } from './sys.ts'

export interface Handle {
  fd: number
  /** Merged path the file was opened at (kept current across renames). */
  path: string
  layer: Layer
  flags: number
  /** The inode number shown for this file (kept across copy-up). */
  ino: number
  /** Set after the first write, so change events fire once per handle. */
  written: boolean
  /** Who opened it, when the binding knows. */
  opener: Caller | undefined
}

export class HandleTable {
  readonly #sys: Sys
  readonly #handles = new Map<number, Handle>()
  /** Base-layer handles by merged path, to move them on copy-up. */
  readonly #onBase = new Map<string, Set<Handle>>()
  /** Open handles per opener uid (the per-user cap, see Overlay). */
  readonly #perUid = new Map<number, number>()

  constructor(sys: Sys) {
    this.#sys = sys
  }

  /** Registers an open file; its id is its descriptor. */
  add(handle: Handle): number {
    this.#handles.set(handle.fd, handle)
    this.#indexBase(handle)
    const uid = handle.opener?.uid ?? 0
    this.#perUid.set(uid, (this.#perUid.get(uid) ?? 0) + 1)
    return handle.fd
  }

  get(id: number, syscall: string): Handle {
    const handle = this.#handles.get(id)
    if (handle === undefined) throw new OverlayError('EBADF', syscall, String(id))
    return handle
  }

  find(id: number): Handle | undefined {
    return this.#handles.get(id)
  }

  release(id: number): Handle | undefined {
    const handle = this.#handles.get(id)
    if (handle === undefined) return undefined
    this.#handles.delete(id)
    this.#forgetBase(handle)
    const uid = handle.opener?.uid ?? 0
    const left = (this.#perUid.get(uid) ?? 1) - 1
    if (left > 0) this.#perUid.set(uid, left)
    else this.#perUid.delete(uid)
    this.#sys.close(handle.fd)
    return handle
  }

  /** The file at `path` now lives in storage: point the base handles there (same descriptors). */
  copiedUp(path: string, upperReal: string): void {
    const set = this.#onBase.get(path)
    if (set === undefined) return
    for (const handle of set) {
      const fd = this.#sys.open(upperReal, handle.flags & (O_ACCMODE | O_APPEND))
      try {
        this.#sys.replaceFd(handle.fd, fd)
      } finally {
        this.#sys.close(fd)
      }
      handle.layer = 'storage'
    }
    this.#onBase.delete(path)
  }

  /** The file at `path` is now the inode at `real` (same data): every handle there follows. */
  reopenAt(path: string, real: string): void {
    for (const handle of this.#handles.values()) {
      if (handle.path !== path) continue
      const fd = this.#sys.open(real, handle.flags & (O_ACCMODE | O_APPEND))
      try {
        this.#sys.replaceFd(handle.fd, fd)
      } finally {
        this.#sys.close(fd)
      }
    }
  }

  /** Is the file at `path` open for writing through some handle? */
  writing(path: string): boolean {
    for (const handle of this.#handles.values()) if (handle.path === path && (handle.flags & O_ACCMODE) !== 0) return true
    return false
  }

  /** A rename moved `from` (and what is under it) to `to`. */
  renamed(from: string, to: string): void {
    for (const handle of this.#handles.values()) {
      if (!isWithin(handle.path, from)) continue
      const moved = to + handle.path.slice(from.length)
      this.#forgetBase(handle)
      handle.path = moved
      this.#indexBase(handle)
    }
  }

  /** Open handles at or under a merged path. */
  under(path: string): Handle[] {
    return [...this.#handles.values()].filter((h) => isWithin(h.path, path))
  }

  all(): Handle[] {
    return [...this.#handles.values()]
  }

  /**
   * Refuses a new handle with EMFILE for a user other than root who holds `cap` already: no user
   * may exhaust the daemon's descriptors and stop the device; root is never capped.
   */
  admit(opener: Caller | undefined, cap: number, syscall: string, path: string): void {
    if (opener === undefined || opener.uid === 0 || this.countFor(opener.uid) < cap) return
    throw new OverlayError('EMFILE', syscall, path, `user ${opener.uid} holds ${cap} open files on this mount`)
  }

  /** How many files a user holds open. */
  countFor(uid: number): number {
    return this.#perUid.get(uid) ?? 0
  }

  /** Number of open handles. */
  get size(): number {
    return this.#handles.size
  }

  closeAll(): void {
    for (const id of [...this.#handles.keys()]) this.release(id)
  }

  #indexBase(handle: Handle): void {
    if (handle.layer !== 'base') return
    let set = this.#onBase.get(handle.path)
    if (set === undefined) this.#onBase.set(handle.path, (set = new Set()))
    set.add(handle)
  }

  #forgetBase(handle: Handle): void {
    if (handle.layer !== 'base') return
    const set = this.#onBase.get(handle.path)
    set?.delete(handle)
    if (set?.size === 0) this.#onBase.delete(handle.path)
  }
}
