/**
 * One merged directory as the dashboard shows it: every name of both layers (deleted base
 * entries included, as ghosts), sorted, paged, each entry with its state classified exactly as
 * the change list does (changes.ts) and the bytes storage holds at and under it. Reads base and
 * storage directly through Sys; the cost of a page is one lstat per layer per entry on it, plus
 * a walk of storage under the folders on it.
 */
import { isDir, isFile, isSymlink } from '../engine/fileMode.ts'
import { Layers, type DirInfo } from '../engine/layers.ts'
import { joinPath, ROOT } from '../engine/mergedPath.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import {
  isOpaqueValue,
  isWhiteoutStat,
  OPAQUE_XATTR,
  REDIRECT_XATTR,
} from '../engine/storageFormat.ts'
import type { FileStat, Sys } from '../engine/sys.ts'
import {
  change,
  classifyDir,
  classifyLeaf,
  entryType,
  type ChangeState,
  type EntryType,
} from './changes.ts'
import type { FieldChange } from './compare.ts'
import { resolveRequestPath, type LayerEntry, type OverlayView } from './requestPath.ts'

export interface TreeEntry {
  name: string
  path: string
  type: EntryType
  state: ChangeState
  inStorage: boolean
  size: number
  mode: number
  uid: number
  gid: number
  mtime: number
  target: string | null
  storageBytes: number
  fields: FieldChange[]
}

export interface TreePage {
  path: string
  dir: TreeEntry
  total: number
  offset: number
  limit: number
  entries: TreeEntry[]
}

interface Names {
  key: string
  names: string[]
}

/**
 * Lists merged directories page by page. Holds the sorted names of a few large directories
 * (revalidated by both layers' directory mtimes on every call), so paging through 50,000
 * entries does not read and sort them again for every page.
 */
export class TreeLister {
  readonly #cache = new Map<string, Names>()
  readonly #keep: number
  readonly #minCached: number

  constructor(options: { keep?: number; minCached?: number } = {}) {
    this.#keep = options.keep ?? 4
    this.#minCached = options.minCached ?? 2000
  }

  /** A page of the folder's entries; `q`: only names containing it (case-insensitive). */
  list(view: OverlayView, input: string, offset: number, limit: number, q?: string): TreePage {
    const layers = new Layers(view.sys, view.base, view.paths)
    const r = resolveRequestPath(view, input, layers)
    if (r.entry === undefined) throw new OverlayError('ENOENT', 'tree', r.path)
    if (!isDir(r.entry.stat.mode)) throw new OverlayError('ENOTDIR', 'tree', r.path)
    const info = layers.dir(r.path) as DirInfo
    const all = this.#names(view.sys, r.path, info)
    const needle = q?.toLowerCase()
    const names = needle === undefined ? all : all.filter((n) => n.toLowerCase().includes(needle))
    const seen = new Set<number>()
    const entries = names
      .slice(offset, offset + limit)
      .map((name) => describeChild(view.sys, info, r.path, name, seen))
    const self = r.path === ROOT
      ? rootEntry(view.sys, info, new Set())
      : describeEntry(view.sys, r.path, r.storage, r.base, r.parent?.base ?? null)
    return { path: r.path, dir: self, total: names.length, offset, limit, entries }
  }

  #names(sys: Sys, path: string, info: DirInfo): string[] {
    const key = dirKey(sys, info)
    const cached = this.#cache.get(path)
    if (cached !== undefined && cached.key === key) return cached.names
    const names = mergedNamesWithGhosts(sys, info)
    if (names.length >= this.#minCached) {
      this.#cache.delete(path)
      this.#cache.set(path, { key, names })
      while (this.#cache.size > this.#keep) this.#cache.delete(this.#cache.keys().next().value as string)
    }
    return names
  }
}

function dirKey(sys: Sys, info: DirInfo): string {
  const part = (real: string | null): string => {
    if (real === null) return '-'
    const s = sys.lstat(real)
    return s === undefined ? '?' : `${s.ino}:${s.mtimeMs}:${s.size}:${s.nlink}`
  }
  return `${info.upper ?? ''}|${part(info.upper)}|${info.base ?? ''}|${part(info.base)}`
}

/** Every name of both layers, whiteouts included, sorted by UTF-16 code units. */
function mergedNamesWithGhosts(sys: Sys, info: DirInfo): string[] {
  const upper = info.upper === null ? [] : sys.readdir(info.upper)
  if (info.base === null) return upper.sort()
  const names = new Set(upper)
  for (const name of sys.readdir(info.base)) names.add(name)
  return [...names].sort()
}

function describeChild(sys: Sys, info: DirInfo, dir: string, name: string, seen: Set<number>): TreeEntry {
  const at = (real: string | null): LayerEntry | undefined => {
    if (real === null) return undefined
    const full = `${real}/${name}`
    const stat = sys.lstat(full)
    return stat === undefined ? undefined : { real: full, stat }
  }
  return describeEntry(sys, joinPath(dir, name), at(info.upper), at(info.base), info.base, seen)
}

/** An entry from what each layer holds at its path (`parentBase`: the base folder merged under its parent). */
export function describeEntry(
  sys: Sys,
  path: string,
  storage: LayerEntry | undefined,
  base: LayerEntry | undefined,
  parentBase: string | null,
  seen: Set<number> = new Set(),
): TreeEntry {
  const name = path.slice(path.lastIndexOf('/') + 1)
  if (storage === undefined) {
    if (base === undefined) throw new OverlayError('ENOENT', 'tree', path)
    return shape(sys, name, path, base, 'unchanged', false, 0, [])
  }
  if (isWhiteoutStat(storage.stat)) {
    const shown = base ?? storage
    return { ...shape(sys, name, path, shown, 'deleted', true, 0, []), type: base === undefined ? 'whiteout' : entryType(base.stat) }
  }
  const found = { path, real: storage.real, stat: storage.stat }
  let state: ChangeState
  let fields: FieldChange[]
  if (isDir(storage.stat.mode)) {
    const opaque = isOpaqueValue(sys.getXattr(storage.real, OPAQUE_XATTR))
    const redirect = opaque || parentBase === null ? undefined : sys.getXattr(storage.real, REDIRECT_XATTR)
    const children = sys.readdir(storage.real).length
    const c = redirect !== undefined ? change(found, 'added', undefined) : classifyDir(sys, found, base, opaque, children)
    state = c?.state ?? 'unchanged'
    fields = c?.fields ?? []
  } else {
    const c = classifyLeaf(sys, found, base)
    state = c.state
    fields = c.fields
  }
  return shape(sys, name, path, storage, state, true, storageBytes(sys, storage.real, storage.stat, seen), fields)
}

function rootEntry(sys: Sys, info: DirInfo, seen: Set<number>): TreeEntry {
  const stat = sys.lstat(info.upper as string) as FileStat
  const base = info.base === null ? undefined : sys.lstat(info.base || '/')
  const fields: FieldChange[] = []
  const entry = shape(sys, '', ROOT, { real: info.upper as string, stat }, 'unchanged', true, 0, fields)
  entry.storageBytes = storageBytes(sys, info.upper as string, stat, seen)
  if (base !== undefined) {
    entry.mode = base.mode
    entry.uid = base.uid
    entry.gid = base.gid
  }
  return entry
}

function shape(
  sys: Sys,
  name: string,
  path: string,
  at: LayerEntry,
  state: ChangeState,
  inStorage: boolean,
  bytes: number,
  fields: FieldChange[],
): TreeEntry {
  const { stat } = at
  return {
    name,
    path,
    type: entryType(stat),
    state,
    inStorage,
    size: isFile(stat.mode) || isSymlink(stat.mode) ? stat.size : 0,
    mode: stat.mode,
    uid: stat.uid,
    gid: stat.gid,
    mtime: stat.mtimeMs,
    target: isSymlink(stat.mode) ? sys.readlink(at.real) : null,
    storageBytes: bytes,
    fields,
  }
}

/** Allocated bytes at and under a storage entry (hard links counted once per page). */
function storageBytes(sys: Sys, real: string, stat: FileStat, seen: Set<number>): number {
  let bytes = 0
  if (!seen.has(stat.ino)) {
    seen.add(stat.ino)
    bytes = stat.blocks * 512
  }
  if (!isDir(stat.mode)) return bytes
  for (const name of sys.readdir(real)) {
    const child = `${real}/${name}`
    const s = sys.lstat(child)
    if (s !== undefined) bytes += storageBytes(sys, child, s, seen)
  }
  return bytes
}
