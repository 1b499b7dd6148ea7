/**
 * Open directories: a listing is taken at opendir (and again at a rewind to offset 0) and
 * handed out in pieces as the kernel asks, with each entry's inode number and type.
 */
import type { Attr } from '../engine/attr.ts'
import type { Overlay } from '../engine/Overlay.ts'

interface Listing {
  path: string
  names: string[]
  /** ino, mode pairs. */
  types: Float64Array
  attrs: Attr[]
  fresh: boolean
}

/** A piece of a listing: names from `offset` on, their (ino, mode) pairs and their attributes. */
export interface ListingPiece {
  names: string[]
  types: Float64Array
  attrs: Attr[]
  offset: number
  /** The merged path of the directory. */
  path: string
}

/** The smallest directory entry the kernel takes: a 24-byte header and an 8-byte name. */
const MIN_ENTRY = 32

export class DirectoryListings {
  readonly #overlay: Overlay
  readonly #open = new Map<number, Listing>()
  #next = 1

  constructor(overlay: Overlay) {
    this.#overlay = overlay
  }

  open(path: string): number {
    const id = this.#next
    this.#next = this.#next >= 0x7fffffff ? 1 : this.#next + 1
    this.#open.set(id, this.#take(path))
    return id
  }

  /** Entries from `offset` on, as many as `size` bytes of directory entries can hold at most. */
  read(id: number, offset: number, size: number): ListingPiece {
    let listing = this.#open.get(id)
    if (listing === undefined) throw Object.assign(new Error('bad directory handle'), { code: 'EBADF' })
    if (offset === 0 && !listing.fresh) {
      listing = this.#take(listing.path)
      this.#open.set(id, listing)
    }
    listing.fresh = false
    const count = Math.max(0, Math.min(listing.names.length - offset, Math.ceil(size / MIN_ENTRY)))
    return {
      names: listing.names.slice(offset, offset + count),
      types: listing.types.subarray(offset * 2, (offset + count) * 2),
      attrs: listing.attrs.slice(offset, offset + count),
      offset,
      path: listing.path,
    }
  }

  close(id: number): void {
    this.#open.delete(id)
  }

  #take(path: string): Listing {
    const { names, attrs } = this.#overlay.readdirWithAttrs(path)
    const types = new Float64Array(names.length * 2)
    attrs.forEach((a, i) => {
      types[i * 2] = a.ino
      types[i * 2 + 1] = a.mode
    })
    return { path, names, types, attrs, fresh: true }
  }
}
