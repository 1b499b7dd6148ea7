/**
 * What changed at a path: a unified diff of the base version against the current one for text
 * files, sizes and hashes for binary files, the changed fields for metadata, and for a directory
 * the diff of everything changed under it.
 */
import { createHash } from 'node:crypto'
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff'
import { isFile, isSymlink } from '../engine/fileMode.ts'
import { Layers } from '../engine/layers.ts'
import { ROOT } from '../engine/mergedPath.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import type { FileStat, Sys } from '../engine/sys.ts'
import { changesUnder, type Change, type ChangeQuery, type ChangeState } from './changes.ts'
import { readWhole, type FieldChange } from './compare.ts'

/** Text diffs are made up to this size per side; larger files are shown by size and hash. */
export const MAX_TEXT_BYTES = 1 << 20

export interface Side {
  size: number
  sha256: string
}

export interface Hunk {
  oldStart: number
  oldLines: number
  newStart: number
  newLines: number
  lines: string[]
}

export type ContentDiff =
  | { kind: 'text'; patch: string; hunks: Hunk[] }
  | { kind: 'binary'; base: Side | null; current: Side | null }
  | { kind: 'symlink'; base: string | null; current: string | null }
  | { kind: 'none' }

export interface PathDiff {
  path: string
  state: ChangeState
  fields: FieldChange[]
  content: ContentDiff
}

/** Diffs of every change at and under `path` (empty when the path is unchanged). */
export function diffPath(q: ChangeQuery, path: string): PathDiff[] {
  const changes = changesUnder(q, path)
  if (changes.length === 0 && new Layers(q.sys, q.base, q.paths).resolve(path) === undefined) {
    throw new OverlayError('ENOENT', 'diff', path)
  }
  return changes.map((c) => diffChange(q.sys, c))
}

export function diffChange(sys: Sys, c: Change): PathDiff {
  const current = c.state === 'deleted' ? undefined : sys.lstat(c.storagePath)
  const base = c.basePath === null ? undefined : sys.lstat(c.basePath)
  const content =
    c.state === 'metadata' || c.state === 'unchanged' || c.state === 'opaque'
      ? NONE
      : contentDiff(sys, c, base, current)
  return { path: c.path, state: c.state, fields: c.fields, content }
}

const NONE: ContentDiff = { kind: 'none' }

function contentDiff(
  sys: Sys,
  c: Change,
  base: FileStat | undefined,
  current: FileStat | undefined,
): ContentDiff {
  const baseFile =
    base !== undefined && isFile(base.mode) && c.basePath !== null ? c.basePath : null
  const curFile = current !== undefined && isFile(current.mode) ? c.storagePath : null
  if (baseFile === null && curFile === null) {
    const link = (stat: FileStat | undefined, real: string | null): string | null =>
      stat !== undefined && real !== null && isSymlink(stat.mode) ? sys.readlink(real) : null
    const b = link(base, c.basePath)
    const cur = link(current, c.storagePath)
    return b === null && cur === null ? NONE : { kind: 'symlink', base: b, current: cur }
  }
  const oldData =
    baseFile === null || base === undefined ? null : readSmall(sys, baseFile, base.size)
  const newData =
    curFile === null || current === undefined ? null : readSmall(sys, curFile, current.size)
  const oldText = toText(oldData, baseFile)
  const newText = toText(newData, curFile)
  if (oldText === undefined || newText === undefined) {
    return {
      kind: 'binary',
      base: baseFile === null || base === undefined ? null : side(sys, baseFile, base.size),
      current: curFile === null || current === undefined ? null : side(sys, curFile, current.size),
    }
  }
  return textDiff(c.path, oldText ?? '', newText ?? '', oldText === null, newText === null)
}

function textDiff(
  path: string,
  oldText: string,
  newText: string,
  created: boolean,
  deleted: boolean,
): ContentDiff {
  const name = path === ROOT ? '/' : path
  const oldName = created ? '/dev/null' : `base${name}`
  const newName = deleted ? '/dev/null' : `current${name}`
  const p = structuredPatch(oldName, newName, oldText, newText, undefined, undefined, {
    context: 3,
  })
  const hunks: Hunk[] = p.hunks.map((h) => ({
    oldStart: h.oldStart,
    oldLines: h.oldLines,
    newStart: h.newStart,
    newLines: h.newLines,
    lines: h.lines,
  }))
  const patch = hunks.length === 0 ? '' : formatPatch(p, FILE_HEADERS_ONLY)
  return { kind: 'text', patch, hunks }
}

/** Small files are read whole; larger ones are not read (they are shown as binary). */
function readSmall(sys: Sys, real: string, size: number): Buffer | undefined {
  return size > MAX_TEXT_BYTES ? undefined : readWhole(sys, real, size)
}

/** null: no file on this side; undefined: not text (binary, too large or not UTF-8). */
function toText(data: Buffer | undefined | null, real: string | null): string | null | undefined {
  if (real === null) return null
  if (data === undefined || data === null || data.includes(0)) return undefined
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data)
  } catch {
    return undefined
  }
}

/** Size and sha256 of a file, hashed in chunks through Sys. */
export function side(sys: Sys, real: string, size: number): Side {
  const hash = createHash('sha256')
  const buf = Buffer.allocUnsafe(1 << 20)
  const fd = sys.open(real, 0)
  try {
    for (let pos = 0; ;) {
      const n = sys.read(fd, buf, 0, buf.length, pos)
      if (n === 0) break
      hash.update(buf.subarray(0, n))
      pos += n
    }
  } finally {
    sys.close(fd)
  }
  return { size, sha256: hash.digest('hex') }
}
