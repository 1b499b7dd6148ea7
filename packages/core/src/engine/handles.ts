/**
 * Open files: FUSE gets a small handle number; behind it is a real file descriptor in one layer.
 * A handle opened on a base file follows the file when another handle copies it up, so it keeps
 * reading what the merged view holds.
 */
import type { Layer } from './layers.ts'
import { O_ACCMODE, O_APPEND } from './fileMode.ts'
import { OverlayError } from './OverlayError.ts'
import type { Sys } from './sys.ts'

export interface Handle {
  fd: number
  path: string
  layer: Layer
  flags: number
  /** The inode number shown for this file (kept across copy-up). */
  ino: number
  /** Set after the first write, so change events fire once per handle. */
  written: boolean
}

export class HandleTable {
  readonly #sys: Sys
  readonly #handles = new Map<number, Handle>()
  /** Base-layer handles by merged path, to move them on copy-up. */
  readonly #onBase = new Map<string, Set<Handle>>()
  #next = 1

  constructor(sys: Sys) {
    this.#sys = sys
  }

  add(handle: Handle): number {
    const id = this.#next
    this.#next = this.#next >= 0x7ffffff0 ? 1 : this.#next + 1
    this.#handles.set(id, handle)
    if (handle.layer === 'base') {
      let set = this.#onBase.get(handle.path)
      if (set === undefined) this.#onBase.set(handle.path, (set = new Set()))
      set.add(handle)
    }
    return id
  }

  get(id: number, syscall: string): Handle {
    const handle = this.#handles.get(id)
    if (handle === undefined) throw new OverlayError('EBADF', syscall, String(id))
    return handle
  }

  release(id: number): Handle | undefined {
    const handle = this.#handles.get(id)
    if (handle === undefined) return undefined
    this.#handles.delete(id)
    this.#forgetBase(handle)
    this.#sys.close(handle.fd)
    return handle
  }

  /** The file at `path` now lives in storage: re-open the base handles there. */
  copiedUp(path: string, upperReal: string): void {
    const set = this.#onBase.get(path)
    if (set === undefined) return
    for (const handle of set) {
      const fd = this.#sys.open(upperReal, handle.flags & (O_ACCMODE | O_APPEND))
      this.#sys.close(handle.fd)
      handle.fd = fd
      handle.layer = 'storage'
    }
    this.#onBase.delete(path)
  }

  /** Number of open handles (for status output and tests). */
  get size(): number {
    return this.#handles.size
  }

  closeAll(): void {
    for (const id of [...this.#handles.keys()]) this.release(id)
  }

  #forgetBase(handle: Handle): void {
    if (handle.layer !== 'base') return
    const set = this.#onBase.get(handle.path)
    set?.delete(handle)
    if (set?.size === 0) this.#onBase.delete(handle.path)
  }
}
