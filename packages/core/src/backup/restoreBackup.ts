/**
 * `restore`: checks the whole archive (pass 1, nothing written), plans, then builds the new
 * upper/ in work/layerdeck/ (pass 2, the same checks again, and the file must hash the same) and
 * swaps it in with renames. A bad archive, a full disk or a crash leaves the storage as it was
 * (or, after a crash during the swap, complete: see ./restoreSwap.ts).
 */
import { createHash } from 'node:crypto'
import { closeSync, constants, openSync, readdirSync, readSync, statSync, statfsSync } from 'node:fs'
import { Staging, removeTree } from '../engine/staging.ts'
import { foreignNames, storagePaths, UPPER_DIR, type StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { createNodeSys } from '../sys/nodeSys.ts'
import type { Manifest } from './archiveFormat.ts'
import { DEFAULT_LIMITS, type Accepted, type RestoreEntry, type RestoreLimits } from './archiveValidator.ts'
import { BackupError } from './BackupError.ts'
import { planRestore, portableXattrDigest, type RestorePlan } from './planRestore.ts'
import { lockRestore, markReady, recoverRestores, restoreDir, swapIn } from './restoreSwap.ts'
import { scanArchive } from './scanArchive.ts'
import { StagedUpper } from './StagedUpper.ts'
import type { TarEntry } from './tarReader.ts'
import { storageInUse } from './storageInUse.ts'
import { walkStorage, type StorageEntry } from './walkStorage.ts'

export interface RestoreProgress {
  phase: 'check' | 'extract'
  entries: number
  totalEntries: number
}

export interface RestoreOptions {
  storage: string
  file: string
  /** Also remove storage changes the backup does not have. */
  replace?: boolean
  /** Check and plan only. */
  dryRun?: boolean
  limits?: Partial<RestoreLimits>
  sys?: Sys
  /** Asked with the plan before anything changes; false cancels. */
  confirm?: (plan: RestorePlan) => Promise<boolean>
  onProgress?: (progress: RestoreProgress) => void
  /** Set by the daemon serving the storage: it makes the swap live (control/restoreLive.ts). */
  live?: LiveSwap
}

/** How a daemon puts a staged restore in place while it serves the storage. */
export interface LiveSwap {
  /** Runs `swapIn` (synchronous: no FUSE request in between), strands and invalidates around it. */
  swap(plan: RestorePlan, swapIn: () => string | undefined): Promise<void>
}

export interface RestoreResult {
  manifest: Manifest
  plan: RestorePlan
  applied: boolean
  /** Entries and data bytes in the archive. */
  entries: number
  bytes: number
  /** What was done about restores interrupted earlier. */
  recovered: string[]
  /** The state before the restore, kept until purged: `reset --undo` brings it back. */
  undoState: string | null
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const sys = options.sys ?? createNodeSys()
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  checkFile(options.file)
  const paths = checkStorage(options.storage)
  if (options.live === undefined) {
    const busy = await storageInUse(paths.root)
    if (busy !== undefined) throw new BackupError('busy', `storage ${options.storage} is in use: ${busy}`)
  }
  const first = await scanArchive(options.file, limits, hashBodies).catch((err: unknown) => {
    throw refusing(options.file, err)
  })
  const backup = first.validator.entries
  const manifest = first.validator.manifest as Manifest
  const current = currentEntries(sys, paths)
  const plan = planRestore(current, backup, options.replace === true, hashFile)
  const result: RestoreResult = { manifest, plan, applied: false, entries: backup.size, bytes: first.validator.bytes, recovered: [], undoState: null }
  if (options.dryRun === true || isEmptyPlan(plan)) return result
  if (options.confirm !== undefined && !(await options.confirm(plan))) return result
  checkSpace(paths, first.validator.bytes)
  await apply(sys, paths, options, limits, first.sha256, result)
  result.applied = true
  return result
}

async function apply(
  sys: Sys,
  paths: StoragePaths,
  options: RestoreOptions,
  limits: RestoreLimits,
  sha256: string,
  result: RestoreResult,
): Promise<void> {
  for (const dir of [paths.root, paths.work]) if (sys.lstat(dir) === undefined) sys.mkdir(dir, 0o700)
  const staging = new Staging(sys, paths)
  staging.prepare()
  const unlock = lockRestore(sys, paths)
  const r = restoreDir(paths)
  try {
    result.recovered = recoverRestores(sys, paths)
    sys.mkdir(r.dir, 0o700)
    const staged = new StagedUpper(sys, paths, staging, r.next)
    const total = result.entries
    let done = 0
    const second = await scanArchive(options.file, limits, async (accepted, tar) => {
      if (accepted.kind !== 'entry') return
      await staged.add(accepted.entry, tar.body())
      options.onProgress?.({ phase: 'extract', entries: ++done, totalEntries: total })
    }).catch((err: unknown) => {
      throw refusing(options.file, err)
    })
    if (second.sha256 !== sha256) throw new BackupError('conflict', `${options.file} changed while it was being restored; nothing was changed`)
    if (second.validator.rootOpaque) staged.markRootOpaque()
    const backup = second.validator.entries
    if (options.replace !== true) keepCurrent(sys, paths, backup, staged)
    staged.finish(rootFallback(sys, paths))
    await markReady(sys, r)
    const swap = (): string | undefined => {
      const undo = swapIn(sys, paths, r)
      result.undoState = undo ?? null
      return undo
    }
    if (options.live === undefined) swap()
    else await options.live.swap(result.plan, swap)
  } catch (err) {
    removeTree(sys, r.dir)
    throw err
  } finally {
    unlock()
  }
}

/** Merge: links every current storage entry the backup does not replace into the new upper/. */
function keepCurrent(sys: Sys, paths: StoragePaths, backup: Map<string, RestoreEntry>, staged: StagedUpper): void {
  if (sys.lstat(paths.upper) === undefined) return
  const descend = (dir: StorageEntry): boolean => {
    const b = backup.get(dir.path)
    return b === undefined || b.kind === 'dir'
  }
  for (const entry of walkStorage(sys, paths.upper, '', descend)) {
    if (entry.path === '' ? backup.has('') : backup.has(entry.path)) continue
    staged.keep(entry)
  }
}

function rootFallback(sys: Sys, paths: StoragePaths): Parameters<StagedUpper['finish']>[0] {
  const s = sys.lstat(paths.upper)
  const now = Date.now()
  if (s === undefined) return { mode: 0o755, uid: 0, gid: 0, atimeMs: now, mtimeMs: now, xattrs: [], opaque: false }
  return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, atimeMs: s.atimeMs, mtimeMs: s.mtimeMs, xattrs: [], opaque: false }
}

/** The checking pass hashes file data, so the plan can tell equal-looking files apart. */
async function hashBodies(accepted: Accepted, tar: TarEntry): Promise<void> {
  if (accepted.kind !== 'entry' || accepted.entry.kind !== 'file') return
  const hash = createHash('sha256')
  for await (const chunk of tar.body()) hash.update(chunk)
  accepted.entry.sha256 = hash.digest('hex')
}

function hashFile(real: string): string {
  const hash = createHash('sha256')
  const fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW)
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n))
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

/** The current storage, for the plan: xattr values are replaced by their digest. */
function currentEntries(sys: Sys, paths: StoragePaths): Map<string, StorageEntry> {
  const map = new Map<string, StorageEntry>()
  for (const entry of walkStorage(sys, paths.upper)) {
    map.set(entry.path, { ...entry, xattrs: [], xattrDigest: portableXattrDigest(entry.xattrs) })
  }
  return map
}

function isEmptyPlan(plan: RestorePlan): boolean {
  return plan.added.length === 0 && plan.replaced.length === 0 && plan.removedEntries === 0
}

function checkFile(file: string): void {
  let stat
  try {
    stat = statSync(file)
  } catch {
    throw new BackupError('not-found', `backup ${file} does not exist`)
  }
  if (!stat.isFile()) throw new BackupError('invalid-input', `backup ${file} is not a regular file`)
}

/** An existing directory that is empty or holds upper/ (the kernel's overlayfs layout). */
function checkStorage(storage: string): StoragePaths {
  let names: string[]
  try {
    names = readdirSync(storage)
  } catch {
    throw new BackupError('not-found', `storage ${storage} does not exist or is not a directory`)
  }
  const strangers = foreignNames(names)
  if (strangers.length > 0 && !names.includes(UPPER_DIR)) {
    throw new BackupError(
      'invalid-input',
      `storage ${storage} is not in overlayfs format (no upper/, found ${strangers.slice(0, 3).join(', ')}): give an empty directory or an overlayfs storage`,
    )
  }
  if (names.includes(UPPER_DIR) && !statSync(`${storage}/${UPPER_DIR}`).isDirectory()) {
    throw new BackupError('invalid-input', `storage ${storage} is not in overlayfs format: upper is not a directory`)
  }
  return storagePaths(storage)
}

/** The new upper/ is built beside the old one: its data must fit in the free space. */
function checkSpace(paths: StoragePaths, bytes: number): void {
  const fs = statfsSync(paths.root)
  const free = fs.bavail * fs.bsize
  const needed = bytes + (1 << 20)
  if (free < needed) {
    throw new BackupError('conflict', `not enough space in ${paths.root}: the restore needs ${needed} bytes, ${free} are free; nothing was changed`)
  }
}

function refusing(file: string, err: unknown): unknown {
  if (!(err instanceof BackupError)) return err
  return new BackupError(err.problem, `refusing to restore ${file}: ${err.message}; nothing was changed`)
}
