/**
 * Where the storage's space goes: the storage filesystem (statfs), the bytes held in upper/ in
 * total and per top-level folder, the largest files, the changes by kind, what a reset gives
 * back, and whether a copy-up of a given base file would fit.
 */
import { isDir, isFile } from '../engine/fileMode.ts'
import { Layers } from '../engine/layers.ts'
import { joinPath, ROOT } from '../engine/mergedPath.ts'
import type { StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { CHANGE_STATES, listChanges, type ChangeState } from './changes.ts'

export const WARN_PERCENT = 80
export const CRITICAL_PERCENT = 95
/** copyUp.ts refuses a copy-up unless its size plus one chunk is available. */
const COPY_UP_MARGIN = 1 << 20

export interface FilesystemSpace {
  size: number
  used: number
  available: number
  usedPercent: number
}

export interface Usage {
  filesystem: FilesystemSpace
  /** Bytes allocated by storage/upper (hard links counted once). */
  held: number
  byFolder: Array<{ folder: string; bytes: number; entries: number }>
  largest: Array<{ path: string; bytes: number; size: number }>
  /** Changes by kind; null when the base is not known. */
  changes: Record<ChangeState, number> | null
  /** Bytes a reset frees (after its undo state is purged). */
  resetFrees: number
  /** Bytes held by the undo state of the last reset (freed by `reset --purge`). */
  undoHeld: number
  warnings: string[]
}

export function filesystemSpace(sys: Sys, path: string): FilesystemSpace {
  const s = sys.statfs(path)
  const used = (s.blocks - s.bfree) * s.bsize
  const available = s.bavail * s.bsize
  const usedPercent =
    used + available === 0 ? 0 : Math.round((1000 * used) / (used + available)) / 10
  return { size: s.blocks * s.bsize, used, available, usedPercent }
}

interface Tally {
  seen: Set<number>
  files: Array<{ path: string; bytes: number; size: number }>
}

/**
 * Allocated bytes under a real directory, hard links counted once. Iterative (an explicit stack
 * of paths): a tree may be as deep as any user made it through the mount.
 */
function tally(sys: Sys, real: string, path: string, t: Tally): { bytes: number; entries: number } {
  let bytes = 0
  let entries = 0
  const stack: Array<[string, string]> = [[real, path]]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [r, p] = next
    const stat = sys.lstat(r)
    if (stat === undefined) continue
    entries += 1
    if (!t.seen.has(stat.ino)) {
      t.seen.add(stat.ino)
      bytes += stat.blocks * 512
      if (isFile(stat.mode)) t.files.push({ path: p, bytes: stat.blocks * 512, size: stat.size })
    }
    if (isDir(stat.mode)) {
      for (const name of sys.readdir(r)) stack.push([`${r}/${name}`, joinPath(p, name)])
    }
  }
  return { bytes, entries }
}

/** Allocated bytes of a whole real tree. */
export function treeBytes(sys: Sys, real: string): number {
  return tally(sys, real, ROOT, { seen: new Set(), files: [] }).bytes
}

export interface UsageQuery {
  sys: Sys
  paths: StoragePaths
  base?: string | undefined
  /** How many of the largest files to list (default 10). */
  top?: number
}

export function storageUsage(q: UsageQuery): Usage {
  const { sys, paths } = q
  const t: Tally = { seen: new Set(), files: [] }
  const byFolder: Usage['byFolder'] = []
  let held = (sys.lstat(paths.upper)?.blocks ?? 0) * 512
  for (const name of sys.readdir(paths.upper).sort()) {
    const sub = tally(sys, `${paths.upper}/${name}`, `/${name}`, t)
    byFolder.push({ folder: `/${name}`, bytes: sub.bytes, entries: sub.entries })
    held += sub.bytes
  }
  byFolder.sort((a, b) => b.bytes - a.bytes)
  const largest = t.files
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .slice(0, q.top ?? 10)
  const filesystem = filesystemSpace(sys, paths.upper)
  const undoHeld = undoBytes(sys, paths)
  return {
    filesystem,
    held,
    byFolder,
    largest,
    changes: q.base === undefined ? null : countChanges(sys, paths, q.base),
    resetFrees: held,
    undoHeld,
    warnings: warnings(filesystem, undoHeld),
  }
}

function countChanges(sys: Sys, paths: StoragePaths, base: string): Record<ChangeState, number> {
  const counts = Object.fromEntries(CHANGE_STATES.map((s) => [s, 0])) as Record<ChangeState, number>
  for (const c of listChanges({ sys, paths, base })) counts[c.state] += 1
  return counts
}

/** Bytes held in work/layerdeck/ by reset undo states (reset-undo-*). */
export function undoBytes(sys: Sys, paths: StoragePaths): number {
  let bytes = 0
  const names = sys.lstat(paths.staging) === undefined ? [] : sys.readdir(paths.staging)
  for (const name of names)
    if (name.startsWith('reset-undo-')) bytes += treeBytes(sys, `${paths.staging}/${name}`)
  return bytes
}

function warnings(fs: FilesystemSpace, undoHeld: number): string[] {
  const out: string[] = []
  const pct = `${fs.usedPercent}%`
  if (fs.usedPercent >= CRITICAL_PERCENT)
    out.push(`storage is ${pct} full: writes and copy-ups will soon fail (ENOSPC)`)
  else if (fs.usedPercent >= WARN_PERCENT) out.push(`storage is ${pct} full`)
  if (undoHeld > 0 && fs.usedPercent >= WARN_PERCENT) {
    out.push(
      `the undo state of the last reset holds ${undoHeld} bytes: 'layerdeck reset --purge' frees them`,
    )
  }
  return out
}

export interface Fit {
  path: string
  /** Bytes a copy-up needs (0 when the file already lives in storage). */
  needs: number
  available: number
  fits: boolean
  inStorage: boolean
}

/** Would editing this merged path fit? A copy-up needs the base file's whole size. */
export function copyUpFits(sys: Sys, paths: StoragePaths, base: string, path: string): Fit {
  const entry = new Layers(sys, base, paths).require(path, 'fits')
  const available = filesystemSpace(sys, paths.upper).available
  if (entry.layer === 'storage' || !isFile(entry.stat.mode)) {
    return { path, needs: 0, available, fits: true, inStorage: entry.layer === 'storage' }
  }
  const needs = entry.stat.size
  const margin = needs < COPY_UP_MARGIN ? 0 : COPY_UP_MARGIN
  return { path, needs, available, fits: available >= needs + margin, inStorage: false }
}
