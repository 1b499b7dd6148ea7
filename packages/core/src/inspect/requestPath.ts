/**
 * Paths that come from outside (an HTTP request, a script): checked, normalised, and resolved
 * inside the overlay one component at a time, never following a symlink. `..`, NUL bytes,
 * relative paths, over-long names and paths, and strings that are not well-formed Unicode are
 * refused (EINVAL); a path that passes through a symlink is refused (ELOOP): a symlink is an
 * entry to show, never a way somewhere else.
 */
import { encodeName, isWellFormed } from '../engine/byteNames.ts'
import { isDir, isSymlink } from '../engine/fileMode.ts'
import { Layers, type DirInfo, type Entry } from '../engine/layers.ts'
import { joinPath, ROOT } from '../engine/mergedPath.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import { isWhiteoutStat, type StoragePaths } from '../engine/storageFormat.ts'
import type { FileStat, Sys } from '../engine/sys.ts'

/** Linux PATH_MAX and NAME_MAX, in bytes. */
export const PATH_MAX_BYTES = 4096
export const NAME_MAX_BYTES = 255

/** The normalised overlay path, or EINVAL saying what is wrong with it. */
export function checkRequestPath(input: string): string {
  const refuse = (why: string): never => {
    throw new OverlayError('EINVAL', 'path', input.slice(0, 200), why)
  }
  if (typeof input !== 'string' || input === '') refuse('a path is needed, like /etc/hosts')
  if (!isWellFormed(input)) refuse('the path is not well-formed Unicode')
  if (input.includes('\0')) refuse('the path contains a NUL byte')
  if (!input.startsWith('/')) refuse('give the path inside the overlay, starting with / (like /etc/hosts)')
  if (Buffer.byteLength(input, 'utf8') > PATH_MAX_BYTES) refuse(`the path is longer than ${PATH_MAX_BYTES} bytes`)
  const parts: string[] = []
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') refuse("the path must not contain '..'")
    if (encodeName(part).length > NAME_MAX_BYTES) refuse(`a name in the path is longer than ${NAME_MAX_BYTES} bytes`)
    parts.push(part)
  }
  return parts.length === 0 ? ROOT : `/${parts.join('/')}`
}

export interface LayerEntry {
  real: string
  stat: FileStat
}

export interface ResolvedPath {
  path: string
  /** What the merged view shows there; undefined when absent or deleted. */
  entry: Entry | undefined
  /** What storage holds at the path (a whiteout for a deleted base entry). */
  storage: LayerEntry | undefined
  /** The base entry at the path, when the merged view does not hide it behind an opaque folder. */
  base: LayerEntry | undefined
  /** Directory facts of the parent in the merged view (undefined when the parent was deleted). */
  parent: DirInfo | undefined
}

export interface OverlayView {
  sys: Sys
  paths: StoragePaths
  base: string
}

const symlinkError = (input: string, at: string): OverlayError =>
  new OverlayError('ELOOP', 'path', input, `the path passes through the symlink ${at}: give the path it points to`)

/**
 * Resolves a checked path. Throws ELOOP through a symlink, ENOENT (or ENOTDIR) when a parent
 * does not exist; a path that exists in neither layer resolves with everything undefined.
 */
export function resolveRequestPath(view: OverlayView, input: string, layers = new Layers(view.sys, view.base, view.paths)): ResolvedPath {
  const path = checkRequestPath(input)
  if (path === ROOT) {
    const entry = layers.resolve(ROOT)
    const stat = view.sys.lstat(layers.baseRoot || '/')
    const base = stat === undefined ? undefined : { real: layers.baseRoot || '/', stat }
    return { path, entry, storage: entry === undefined ? undefined : { real: entry.real, stat: entry.stat }, base, parent: undefined }
  }
  const names = path.slice(1).split('/')
  const last = names.pop() as string
  let dir = ROOT
  let info: DirInfo | undefined = layers.dir(ROOT)
  let ghostBase: string | null = null // walking the base under a deleted folder
  for (const name of names) {
    const next = joinPath(dir, name)
    if (info !== undefined) {
      const entry = layers.lookup(info, name)
      if (entry !== undefined) {
        if (isSymlink(entry.stat.mode)) throw symlinkError(input, next)
        if (!isDir(entry.stat.mode)) throw new OverlayError('ENOTDIR', 'path', input)
        info = layers.dir(next)
        dir = next
        continue
      }
      ghostBase = info.base === null ? null : `${info.base}/${name}`
      info = undefined
    } else if (ghostBase !== null) {
      ghostBase = `${ghostBase}/${name}`
    }
    const stat = ghostBase === null ? undefined : view.sys.lstat(ghostBase)
    if (stat === undefined) throw new OverlayError('ENOENT', 'path', input)
    if (isSymlink(stat.mode)) throw symlinkError(input, next)
    if (!isDir(stat.mode)) throw new OverlayError('ENOTDIR', 'path', input)
    dir = next
  }
  return finalEntry(view, layers, path, info, ghostBase, last)
}

function finalEntry(view: OverlayView, layers: Layers, path: string, info: DirInfo | undefined, ghostBase: string | null, name: string): ResolvedPath {
  const at = (dir: string | null): LayerEntry | undefined => {
    if (dir === null) return undefined
    const real = `${dir}/${name}`
    const stat = view.sys.lstat(real)
    return stat === undefined ? undefined : { real, stat }
  }
  if (info === undefined) return { path, entry: undefined, storage: undefined, base: at(ghostBase), parent: undefined }
  const storage = at(info.upper)
  const base = at(info.base)
  const entry = storage !== undefined && isWhiteoutStat(storage.stat) ? undefined : layers.lookup(info, name)
  return { path, entry, storage, base, parent: info }
}

/** Resolves and requires the path to exist in at least one layer (ENOENT otherwise). */
export function requireRequestPath(view: OverlayView, input: string, layers?: Layers): ResolvedPath {
  const r = resolveRequestPath(view, input, layers)
  if (r.entry === undefined && r.storage === undefined && r.base === undefined)
    throw new OverlayError('ENOENT', 'path', r.path)
  return r
}
