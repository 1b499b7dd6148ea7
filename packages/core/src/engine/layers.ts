/**
 * Path resolution across the two layers. A merged path resolves to the storage entry, the base
 * entry, or nothing (absent or whited out). Directory facts (where the directory lives in each
 * layer) are cached: the cost of a lookup is one lstat per layer the parent lives in.
 */
import { baseIno, storageIno } from './attr.ts'
import { isDir } from './fileMode.ts'
import { nameOf, parentOf, ROOT } from './mergedPath.ts'
import { OverlayError } from './OverlayError.ts'
import { validRedirect } from './redirect.ts'
import {
  isOpaqueValue,
  isWhiteoutStat,
  OPAQUE_XATTR,
  ORIGIN_XATTR,
  REDIRECT_XATTR,
  type StoragePaths,
} from './storageFormat.ts'
import type { FileStat, Sys } from './sys.ts'

export type Layer = 'storage' | 'base'

export interface DirInfo {
  /** Real path of this directory in storage/upper, or null while it exists only in the base. */
  upper: string | null
  /** Real path of the base directory merged under it, or null (none, or hidden by opacity). */
  base: string | null
  /** The inode number getattr shows for this directory (see attr.ts). */
  ino: number
}

export interface Entry {
  layer: Layer
  /** Real path of the entry in its layer. */
  real: string
  stat: FileStat
  /** The directory this entry lives in. */
  parent: DirInfo
}

const CACHE_LIMIT = 20_000

export class Layers {
  readonly sys: Sys
  readonly baseRoot: string
  readonly storage: StoragePaths
  readonly #dirs = new Map<string, DirInfo>()

  constructor(sys: Sys, baseRoot: string, storage: StoragePaths) {
    this.sys = sys
    this.baseRoot = baseRoot.replace(/\/+$/, '')
    this.storage = storage
  }

  /** The entry of a merged path, or undefined when it does not exist in the merged view. */
  resolve(path: string): Entry | undefined {
    if (path === ROOT) return this.#rootEntry()
    const parent = this.dir(parentOf(path))
    if (parent === undefined) return undefined
    return this.lookup(parent, nameOf(path))
  }

  /** Like resolve, but throws ENOENT (or ENOTDIR when a parent is not a directory). */
  require(path: string, syscall: string): Entry {
    if (path === ROOT) return this.#rootEntry()
    const parent = this.dir(parentOf(path))
    const entry = parent === undefined ? undefined : this.lookup(parent, nameOf(path))
    if (entry !== undefined) return entry
    throw new OverlayError(parent === undefined ? this.#missingCode(path) : 'ENOENT', syscall, path)
  }

  /** Looks a name up in a merged directory. */
  lookup(parent: DirInfo, name: string): Entry | undefined {
    if (parent.upper !== null) {
      const real = `${parent.upper}/${name}`
      const stat = this.sys.lstat(real)
      if (stat !== undefined) {
        return isWhiteoutStat(stat) ? undefined : { layer: 'storage', real, stat, parent }
      }
    }
    if (parent.base !== null) {
      const real = `${parent.base}/${name}`
      const stat = this.sys.lstat(real)
      if (stat !== undefined) return { layer: 'base', real, stat, parent }
    }
    return undefined
  }

  /** Directory facts of a merged path, or undefined when it is not a directory. */
  dir(path: string): DirInfo | undefined {
    const cached = this.#dirs.get(path)
    if (cached !== undefined) return cached
    let info: DirInfo | undefined
    if (path === ROOT) {
      const base = this.baseRoot === '' ? '' : this.baseRoot
      info = { upper: this.storage.upper, base, ino: baseIno(this.sys.lstat(base || '/')?.ino ?? 1) }
    } else {
      const parent = this.dir(parentOf(path))
      if (parent === undefined) return undefined
      const entry = this.lookup(parent, nameOf(path))
      if (entry === undefined || !isDir(entry.stat.mode)) return undefined
      info = this.#dirInfoOf(entry, parent, nameOf(path))
    }
    if (this.#dirs.size >= CACHE_LIMIT) this.#dirs.clear()
    this.#dirs.set(path, info)
    return info
  }

  /** The base entry a storage entry covers (same path), if any: its inode number is kept. */
  baseUnder(entry: Entry, name: string): FileStat | undefined {
    if (entry.layer === 'base') return entry.stat
    return entry.parent.base === null ? undefined : this.sys.lstat(`${entry.parent.base}/${name}`)
  }

  /**
   * The base inode number a storage entry was copied up from (its origin xattr), when that base
   * entry is still there with that number (a storage restored onto another base may disagree).
   */
  originIno(real: string, under: FileStat | undefined): number | undefined {
    const value = this.sys.getXattr(real, ORIGIN_XATTR)?.toString('utf8')
    if (value === undefined) return undefined
    const colon = value.indexOf(':')
    const ino = Number(value.slice(0, colon))
    if (colon < 1 || !Number.isSafeInteger(ino)) return undefined
    if (under?.ino === ino) return ino
    const path = value.slice(colon + 1)
    if (path.split('/').includes('..')) return undefined
    return this.sys.lstat(`${this.baseRoot}${path}`)?.ino === ino ? ino : undefined
  }

  /** Forget cached directory facts at and under a path (after renames, removals, resets). */
  invalidate(path: string): void {
    if (path === ROOT) {
      this.#dirs.clear()
      return
    }
    const prefix = `${path}/`
    for (const key of this.#dirs.keys()) {
      if (key === path || key.startsWith(prefix)) this.#dirs.delete(key)
    }
  }

  /** Records that a directory now exists in storage (after its copy-up or creation). */
  markUpper(path: string, upperReal: string): void {
    const info = this.#dirs.get(path)
    if (info !== undefined) info.upper = upperReal
  }

  upperPathOf(path: string): string {
    return path === ROOT ? this.storage.upper : `${this.storage.upper}${path}`
  }

  #dirInfoOf(entry: Entry, parent: DirInfo, name: string): DirInfo {
    if (entry.layer === 'base') return { upper: null, base: entry.real, ino: baseIno(entry.stat.ino) }
    const opaque = isOpaqueValue(this.sys.getXattr(entry.real, OPAQUE_XATTR))
    let base: string | null = null
    let ino = storageIno(entry.stat.ino)
    if (parent.base !== null) {
      // Even an opaque directory keeps the inode number of the base directory it covers.
      const redirect = opaque ? undefined : this.sys.getXattr(entry.real, REDIRECT_XATTR)
      const candidate = redirect !== undefined ? this.#redirectTarget(redirect, parent.base) : `${parent.base}/${name}`
      const stat = candidate === undefined ? undefined : this.sys.lstat(candidate)
      if (candidate !== undefined && stat !== undefined && isDir(stat.mode)) {
        ino = baseIno(stat.ino)
        if (!opaque) base = candidate
      }
    }
    if (base === null) {
      // A directory renamed from the base (copied whole) keeps the number it came with.
      const origin = this.originIno(entry.real, undefined)
      if (origin !== undefined) ino = baseIno(origin)
    }
    return { upper: entry.real, base, ino }
  }

  /**
   * trusted.overlay.redirect: an absolute path from the base root, or a name in the same parent.
   * One that could leave the base (`/../../tmp`) is not followed: the directory merges nothing.
   */
  #redirectTarget(value: Buffer, parentBase: string): string | undefined {
    const target = validRedirect(value)
    if (target === undefined) return undefined
    return target.startsWith('/') ? `${this.baseRoot}${target}` : `${parentBase}/${target}`
  }

  #rootEntry(): Entry {
    const stat = this.sys.lstat(this.storage.upper)
    if (stat === undefined) throw new OverlayError('EIO', 'lstat', ROOT, 'storage upper/ directory is gone')
    const info = this.dir(ROOT) as DirInfo
    return { layer: 'storage', real: this.storage.upper, stat, parent: info }
  }

  #missingCode(path: string): string {
    let dir = parentOf(path)
    while (dir !== ROOT) {
      const entry = this.resolve(dir)
      if (entry !== undefined) return isDir(entry.stat.mode) ? 'ENOENT' : 'ENOTDIR'
      dir = parentOf(dir)
    }
    return 'ENOENT'
  }
}

