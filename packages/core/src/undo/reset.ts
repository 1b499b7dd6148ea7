/**
 * Factory reset, undo and purge. A reset builds the new upper/ (empty, plus the kept paths, moved
 * in with their inodes) in work/layerdeck/reset-new, then swaps it in with two renames under a
 * journal (see journal.ts):
 * the old upper/ becomes work/layerdeck/reset-undo-<time>, the undo state, kept until purged.
 * An undo swaps it back the same way (the state it leaves becomes the undo state: a second undo
 * redoes the reset). One undo state is kept at a time.
 */
import { isDir } from '../engine/fileMode.ts'
import { isWithin, normalizeMergedPath, ROOT } from '../engine/mergedPath.ts'
import { hasCode, OverlayError } from '../engine/OverlayError.ts'
import type { StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { listChanges, type Change } from '../inspect/changes.ts'
import { filesystemSpace, treeBytes } from '../inspect/usage.ts'
import { KEEP_RECORD, readKeepRecord, RESET_NEW, UNDO_PREFIX, writeJournal, writeKeepRecord, type Swap } from './journal.ts'
import { dropOtherUndoStates, recoverStorage } from './recover.ts'
import { syncDir } from '../engine/smallFile.ts'
import { copyMeta, removeAside } from './treeCopy.ts'

export interface ResetOptions {
  /** Merged paths whose storage state survives the reset. */
  keep?: string[]
  /** The base: needed to list what goes (dry run). */
  base?: string | undefined
  dryRun?: boolean
  now?: number
}

export interface ResetResult {
  dryRun: boolean
  /** Kept paths that held something in storage. */
  kept: string[]
  /** Kept paths with nothing in storage (their base version stays anyway). */
  notInStorage: string[]
  /** Changes that go (when the base is known). */
  goes: Change[] | null
  /** Bytes the reset frees once its undo state is purged. */
  frees: number
  /** Name of the undo state (work/layerdeck/...). */
  undoState: string | null
}

export function resetStorage(
  sys: Sys,
  paths: StoragePaths,
  options: ResetOptions = {},
): ResetResult {
  recoverStorage(sys, paths)
  const keep = (options.keep ?? []).map((p) => normalizeMergedPath(p, 'reset'))
  if (keep.includes(ROOT))
    throw new OverlayError(
      'EINVAL',
      'reset',
      ROOT,
      'keeping / keeps everything: name the paths to keep',
    )
  const kept = keep.filter((p) => sys.lstat(`${paths.upper}${p}`) !== undefined)
  const notInStorage = keep.filter((p) => !kept.includes(p))
  const goes =
    options.base === undefined
      ? null
      : listChanges({ sys, paths, base: options.base }).filter(
          (c) => !kept.some((k) => isWithin(c.path, k)),
        )
  const frees = Math.max(
    0,
    treeBytes(sys, paths.upper) -
      kept.reduce((n, p) => n + treeBytes(sys, `${paths.upper}${p}`), 0),
  )
  const result: ResetResult = {
    dryRun: options.dryRun === true,
    kept,
    notInStorage,
    goes,
    frees,
    undoState: null,
  }
  if (options.dryRun === true) return result
  makeStaging(sys, paths)
  const incoming = `${paths.staging}/${RESET_NEW}`
  buildNewUpper(sys, paths, incoming, kept)
  const swap: Swap = {
    op: 'reset',
    incoming: RESET_NEW,
    aside: `${UNDO_PREFIX}${options.now ?? Date.now()}`,
    time: Date.now(),
    keep: kept,
  }
  runSwap(sys, paths, swap)
  return { ...result, undoState: swap.aside }
}

/**
 * Moves kept entries from upper/ into the incoming tree (its parents exist there), under the
 * journal: moved, not copied, so a descriptor open on a kept file still writes into the file the
 * merged view shows. The parents keep their times.
 */
function moveKept(sys: Sys, paths: StoragePaths, dest: string, kept: string[]): void {
  for (const path of kept) {
    if (sys.lstat(`${paths.upper}${path}`) === undefined || sys.lstat(`${dest}${path}`) !== undefined) continue
    ensureParents(sys, paths, dest, path)
    sys.rename(`${paths.upper}${path}`, `${dest}${path}`)
  }
  fixParentTimes(sys, paths, dest, kept)
  syncDir(sys, dest)
}

/** Parent directories of a kept path in `dest`, with the metadata they have in upper/. */
function ensureParents(sys: Sys, paths: StoragePaths, dest: string, path: string): void {
  let rel = ''
  for (const part of path.split('/').filter(Boolean).slice(0, -1)) {
    rel += `/${part}`
    if (sys.lstat(`${dest}${rel}`) !== undefined) continue
    const stat = sys.lstat(`${paths.upper}${rel}`)
    if (stat === undefined || !isDir(stat.mode)) return
    sys.mkdir(`${dest}${rel}`, 0o700)
    copyMeta(sys, `${paths.upper}${rel}`, stat, `${dest}${rel}`, false)
  }
}

/**
 * work/layerdeck/ (0700), which a storage the kernel alone has written (upper/ + work/work)
 * does not have yet: the reset builds the new upper/ and keeps the undo state there.
 */
function makeStaging(sys: Sys, paths: StoragePaths): void {
  for (const dir of [paths.work, paths.staging]) {
    try {
      sys.mkdir(dir, 0o700)
    } catch (err) {
      if (!hasCode(err, 'EEXIST')) throw err
    }
  }
}

/** The new upper/: the old root's metadata and the parents of each kept path (moved in later). */
function buildNewUpper(sys: Sys, paths: StoragePaths, dest: string, kept: string[]): void {
  const rootStat = sys.lstat(paths.upper)
  if (rootStat === undefined) throw new OverlayError('ENOENT', 'reset', paths.upper)
  sys.mkdir(dest, 0o700)
  copyMeta(sys, paths.upper, rootStat, dest, false)
  for (const path of kept) ensureParents(sys, paths, dest, path)
}

/** Creating kept entries moved their parents' mtimes: give them the old values back. */
function fixParentTimes(sys: Sys, paths: StoragePaths, dest: string, kept: string[]): void {
  const parents = new Set<string>()
  for (const path of kept) {
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1))
      parents.add(path.slice(0, i))
  }
  for (const rel of [...parents, ''].sort((a, b) => b.length - a.length)) {
    const stat = sys.lstat(`${paths.upper}${rel}`)
    if (stat !== undefined && sys.lstat(`${dest}${rel}`) !== undefined)
      sys.lutimes(`${dest}${rel}`, stat.atimeMs, stat.mtimeMs)
  }
}

/** The kept entries' move and the two renames, under the journal. */
function runSwap(sys: Sys, paths: StoragePaths, swap: Swap): void {
  writeJournal(sys, paths, swap)
  if (swap.keep !== undefined && swap.keep.length > 0) moveKept(sys, paths, `${paths.staging}/${swap.incoming}`, swap.keep)
  sys.rename(paths.upper, `${paths.staging}/${swap.aside}`)
  sys.rename(`${paths.staging}/${swap.incoming}`, paths.upper)
  syncDir(sys, paths.root)
  syncDir(sys, paths.staging)
  writeKeepRecord(sys, paths, { state: swap.aside, keep: swap.keep ?? [] })
  dropOtherUndoStates(sys, paths, swap.aside)
  sys.unlink(`${paths.staging}/reset.journal`)
  syncDir(sys, paths.staging)
}

/**
 * Puts a prepared tree (`incoming`, a path under work/layerdeck/) in place of upper/, keeping the
 * old upper/ as the undo state, under the journal (a restore does this; `reset --undo` undoes it).
 * Returns the undo state's name, or undefined when there was no upper/ to keep.
 */
export function swapUpper(sys: Sys, paths: StoragePaths, incoming: string, now = Date.now()): string | undefined {
  const rel = incoming.slice(paths.staging.length + 1)
  if (!incoming.startsWith(`${paths.staging}/`) || rel === '') {
    throw new OverlayError('EINVAL', 'swap', incoming, 'the new tree must be under work/layerdeck/')
  }
  if (sys.lstat(paths.upper) === undefined) {
    sys.rename(incoming, paths.upper)
    syncDir(sys, paths.root)
    return undefined
  }
  const swap: Swap = { op: 'restore', incoming: rel, aside: `${UNDO_PREFIX}${now}`, time: now, keep: [] }
  runSwap(sys, paths, swap)
  return swap.aside
}

/** The paths the last reset kept (an undo carries them over: they were never reset). */
export function keptByLastReset(sys: Sys, paths: StoragePaths): string[] {
  const [latest] = undoStates(sys, paths)
  return latest === undefined ? [] : readKeepRecord(sys, paths, latest)
}

/** The undo state of the last reset (work/layerdeck/reset-undo-*), newest first. */
export function undoStates(sys: Sys, paths: StoragePaths): string[] {
  if (sys.lstat(paths.staging) === undefined) return []
  return sys
    .readdir(paths.staging)
    .filter((n) => n.startsWith(UNDO_PREFIX))
    .sort((a, b) => Number(b.slice(UNDO_PREFIX.length)) - Number(a.slice(UNDO_PREFIX.length)))
}

export interface UndoResult {
  restored: string
  /** The state left behind, kept as the new undo state. */
  undoState: string
}

/** Puts back the state before the last reset. */
export function undoReset(sys: Sys, paths: StoragePaths, now = Date.now()): UndoResult {
  recoverStorage(sys, paths)
  const [latest] = undoStates(sys, paths)
  if (latest === undefined) {
    throw new OverlayError(
      'ENOENT',
      'reset --undo',
      paths.root,
      'nothing to undo: no reset since the last purge',
    )
  }
  const swap: Swap = {
    op: 'undo',
    incoming: latest,
    aside: `${UNDO_PREFIX}${Math.max(now, Number(latest.slice(UNDO_PREFIX.length)) + 1)}`,
    time: now,
    keep: readKeepRecord(sys, paths, latest),
  }
  runSwap(sys, paths, swap)
  return { restored: latest, undoState: swap.aside }
}

/** Deletes the undo state; returns the bytes freed. */
export function purgeResets(sys: Sys, paths: StoragePaths): number {
  recoverStorage(sys, paths)
  let freed = 0
  for (const name of undoStates(sys, paths)) {
    const real = `${paths.staging}/${name}`
    freed += treeBytes(sys, real)
    removeAside(sys, paths, real, 'undo')
  }
  try {
    sys.unlink(`${paths.staging}/${KEEP_RECORD}`)
  } catch (err) {
    if (!hasCode(err, 'ENOENT')) throw err
  }
  return freed
}

/** The undo state is purged on its own once the storage filesystem is this full. */
export const AUTO_PURGE_PERCENT = 90

/** Purges the undo state when the storage needs the space; returns the bytes freed. */
export function autoPurge(sys: Sys, paths: StoragePaths, threshold = AUTO_PURGE_PERCENT): number {
  if (undoStates(sys, paths).length === 0) return 0
  if (filesystemSpace(sys, paths.upper).usedPercent < threshold) return 0
  return purgeResets(sys, paths)
}
