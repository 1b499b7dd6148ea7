/**
 * The change list: every difference between the storage and the base, found by walking
 * storage/upper only. Each storage entry is compared with the one base entry it covers, so the
 * cost grows with the size of the storage, never with the size of the base.
 */
import {
  isDir,
  isFile,
  isSymlink,
  S_IFMT,
  S_IFBLK,
  S_IFCHR,
  S_IFIFO,
  S_IFSOCK,
} from '../engine/fileMode.ts'
import { isWithin, joinPath, ROOT } from '../engine/mergedPath.ts'
import {
  isOpaqueValue,
  isWhiteoutStat,
  OPAQUE_XATTR,
  REDIRECT_XATTR,
  type StoragePaths,
} from '../engine/storageFormat.ts'
import type { FileStat, Sys } from '../engine/sys.ts'
import { metadataChanges, sameContent, sameType, type FieldChange } from './compare.ts'
import { validRedirect } from '../engine/redirect.ts'

/**
 * added: exists only in storage; modified: content (or type) differs from the base;
 * metadata: content the same, mode/owner/mtime/xattrs differ; deleted: a whiteout;
 * opaque: a directory that hides the base directory's contents; unchanged: a copy-up that
 * changed nothing.
 */
export type ChangeState = 'added' | 'modified' | 'metadata' | 'deleted' | 'opaque' | 'unchanged'
export const CHANGE_STATES: readonly ChangeState[] = [
  'added',
  'modified',
  'metadata',
  'deleted',
  'opaque',
  'unchanged',
]

export type EntryType =
  'file' | 'dir' | 'symlink' | 'whiteout' | 'char' | 'block' | 'fifo' | 'socket'

export interface Change {
  /** Merged path (as seen inside the overlay). */
  path: string
  state: ChangeState
  /** What storage holds at the path (a whiteout for deletions). */
  type: EntryType
  /** Real path in storage/upper. */
  storagePath: string
  /** Real path of the base entry it covers, or null. */
  basePath: string | null
  /** Apparent size in storage (bytes). */
  size: number
  /** Metadata fields that differ from the base (metadata-only and modified entries). */
  fields: FieldChange[]
}

export function entryType(stat: FileStat): EntryType {
  if (isWhiteoutStat(stat)) return 'whiteout'
  switch (stat.mode & S_IFMT) {
    case S_IFCHR:
      return 'char'
    case S_IFBLK:
      return 'block'
    case S_IFIFO:
      return 'fifo'
    case S_IFSOCK:
      return 'socket'
    default:
      return isDir(stat.mode) ? 'dir' : isSymlink(stat.mode) ? 'symlink' : 'file'
  }
}

interface WalkDir {
  path: string
  upper: string
  /** The base directory merged under it (null: none, or hidden by opacity). */
  base: string | null
}

export interface ChangeQuery {
  sys: Sys
  paths: StoragePaths
  /** The base directory. */
  base: string
}

/** Every change in storage, sorted by path (parents before children). */
export function listChanges(q: ChangeQuery): Change[] {
  const out: Change[] = []
  walk(q, { path: ROOT, upper: q.paths.upper, base: q.base }, out)
  return out
}

/** The changes at and under one merged path. */
export function changesUnder(q: ChangeQuery, path: string): Change[] {
  return listChanges(q).filter((c) => isWithin(c.path, path))
}

interface Frame {
  dir: WalkDir
  names: string[]
  next: number
}

/**
 * Depth-first over upper/ with an explicit stack (a storage may be as deep as any user made it
 * through the mount: recursion would run out of stack). A directory is classified before its
 * children are walked: all it needs from them is how many names it holds.
 */
function walk(q: ChangeQuery, root: WalkDir, out: Change[]): void {
  const stack: Frame[] = [{ dir: root, names: q.sys.readdir(root.upper).sort(), next: 0 }]
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    const name = top.names[top.next++]
    if (name === undefined) {
      stack.pop()
      continue
    }
    const { dir } = top
    const path = joinPath(dir.path, name)
    const real = `${dir.upper}/${name}`
    const stat = q.sys.lstat(real)
    if (stat === undefined) continue
    const baseReal = dir.base === null ? null : `${dir.base}/${name}`
    const baseStat = baseReal === null ? undefined : q.sys.lstat(baseReal)
    const base =
      baseReal !== null && baseStat !== undefined ? { real: baseReal, stat: baseStat } : undefined
    if (isDir(stat.mode)) stack.push(enterDir(q, { path, real, stat }, dir, base, out))
    else out.push(classifyLeaf(q.sys, { path, real, stat }, base))
  }
}

interface Found {
  path: string
  real: string
  stat: FileStat
}

export function change(
  found: Found,
  state: ChangeState,
  base: { real: string } | undefined,
  fields: FieldChange[] = [],
): Change {
  const size = isFile(found.stat.mode) ? found.stat.size : 0
  return {
    path: found.path,
    state,
    type: entryType(found.stat),
    storagePath: found.real,
    basePath: base?.real ?? null,
    size,
    fields,
  }
}

export function classifyLeaf(
  sys: Sys,
  found: Found,
  base: { real: string; stat: FileStat } | undefined,
): Change {
  if (isWhiteoutStat(found.stat)) return change(found, 'deleted', base)
  if (base === undefined) return change(found, 'added', base)
  if (!sameType(found.stat, base.stat)) return change(found, 'modified', base)
  if (!sameContent(sys, found.real, found.stat, base.real, base.stat)) {
    // New content moves mtime anyway: list only the other fields that changed with it.
    return change(
      found,
      'modified',
      base,
      metadataChanges(sys, found, base).filter((f) => f.field !== 'mtime'),
    )
  }
  const fields = metadataChanges(sys, found, base)
  return change(found, fields.length > 0 ? 'metadata' : 'unchanged', base, fields)
}

/** Classifies a storage directory (pushing its change, if any) and returns its walk frame. */
function enterDir(
  q: ChangeQuery,
  found: Found,
  parent: WalkDir,
  base: { real: string; stat: FileStat } | undefined,
  out: Change[],
): Frame {
  const { sys } = q
  const opaque = isOpaqueValue(sys.getXattr(found.real, OPAQUE_XATTR))
  const redirect = opaque || parent.base === null ? undefined : sys.getXattr(found.real, REDIRECT_XATTR)
  let merged = base !== undefined && isDir(base.stat.mode) && !opaque ? base.real : null
  if (redirect !== undefined) {
    // A directory renamed by the kernel (redirect_dir=on): a new name over the old base directory.
    // One that could leave the base (`/../..`) is not followed: the directory is simply added.
    const target = validRedirect(redirect)
    const real = target === undefined ? undefined : target.startsWith('/') ? `${q.base}${target}` : `${parent.base}/${target}`
    const stat = real === undefined ? undefined : sys.lstat(real)
    merged = real !== undefined && stat !== undefined && isDir(stat.mode) ? real : null
  }
  const names = sys.readdir(found.real).sort()
  const self =
    redirect !== undefined
      ? change(found, 'added', merged === null ? undefined : { real: merged })
      : classifyDir(sys, found, base, opaque, names.length)
  if (self !== undefined) out.push(self)
  return { dir: { path: found.path, upper: found.real, base: merged }, names, next: 0 }
}

export function classifyDir(
  sys: Sys,
  found: Found,
  base: { real: string; stat: FileStat } | undefined,
  opaque: boolean,
  children: number,
): Change | undefined {
  if (base === undefined) return change(found, 'added', undefined)
  if (!isDir(base.stat.mode)) return change(found, 'modified', base)
  if (opaque) return change(found, 'opaque', base)
  // A directory's mtime moves with every entry made in it: only an empty one reports it.
  const fields = metadataChanges(sys, found, base, children === 0)
  if (fields.length > 0) return change(found, 'metadata', base, fields)
  return children === 0 ? change(found, 'unchanged', base) : undefined
}
