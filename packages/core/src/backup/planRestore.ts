/**
 * What a restore would change: entries the backup adds, entries it replaces (type, mode, owner,
 * size, content hash, link target or xattrs differ; a file's mtime too), and with --replace the
 * storage changes the backup does not have (removed).
 */
import { createHash } from 'node:crypto'
import { isPortableXattr, parentPath, toMergedPath } from './archiveFormat.ts'
import type { RestoreEntry, RestoreKind } from './archiveValidator.ts'
import type { StorageEntry, StorageKind } from './walkStorage.ts'

export interface PlanItem {
  /** The path as seen through the mount ('/etc/hosts'). */
  path: string
  kind: RestoreKind | StorageKind
  /** For a replaced entry whose type changes, what it was. */
  was?: StorageKind
}

export interface RestorePlan {
  added: PlanItem[]
  replaced: PlanItem[]
  /** Top-most removed entries (a removed directory takes its contents with it). */
  removed: PlanItem[]
  /** Every storage entry that goes away, including the contents of removed directories. */
  removedEntries: number
  unchanged: number
}

/** sha256 (hex) of a storage file's data. */
export type HashFile = (real: string) => string

export function planRestore(
  current: Map<string, StorageEntry>,
  backup: Map<string, RestoreEntry>,
  replace: boolean,
  hashFile: HashFile,
): RestorePlan {
  const plan: RestorePlan = { added: [], replaced: [], removed: [], removedEntries: 0, unchanged: 0 }
  for (const entry of backup.values()) {
    const now = current.get(entry.path)
    if (now === undefined) plan.added.push({ path: toMergedPath(entry.path), kind: entry.kind })
    else if (sameEntry(now, entry, current) && sameData(now, entry, hashFile)) plan.unchanged += 1
    else {
      const item: PlanItem = { path: toMergedPath(entry.path), kind: entry.kind }
      if (now.kind !== kindInStorage(entry.kind)) item.was = now.kind
      plan.replaced.push(item)
    }
  }
  for (const now of current.values()) {
    if (now.path === '' || backup.has(now.path)) continue
    const gone = replace || goneWithReplacedParent(now.path, backup)
    if (!gone) continue
    plan.removedEntries += 1
    const parent = parentPath(now.path)
    const parentGone = parent !== '' && !backup.has(parent) && current.has(parent)
    const parentReplaced = backup.has(parent) && backup.get(parent)?.kind !== 'dir'
    if (!parentGone && !parentReplaced) plan.removed.push({ path: toMergedPath(now.path), kind: now.kind })
  }
  return plan
}

/** Without --replace, storage entries survive unless an ancestor is replaced by a non-directory. */
function goneWithReplacedParent(path: string, backup: Map<string, RestoreEntry>): boolean {
  for (let p = parentPath(path); p !== ''; p = parentPath(p)) {
    const b = backup.get(p)
    if (b !== undefined) return b.kind !== 'dir'
  }
  return false
}

function kindInStorage(kind: RestoreKind): StorageKind {
  return kind === 'hardlink' ? 'file' : kind
}

const TIME_SLACK_MS = 1

function sameEntry(now: StorageEntry, b: RestoreEntry, current: Map<string, StorageEntry>): boolean {
  if (b.kind === 'whiteout') return now.kind === 'whiteout'
  if (b.kind === 'hardlink') {
    const target = current.get(b.target ?? '')
    return target !== undefined && target.stat.ino === now.stat.ino && now.kind !== 'dir'
  }
  if (now.kind !== b.kind) return false
  const s = now.stat
  if (s.uid !== b.uid || s.gid !== b.gid) return false
  if (b.kind !== 'symlink' && (s.mode & 0o7777) !== b.mode) return false
  if (b.kind === 'dir') return now.opaque === b.opaque && digestOf(now) === b.xattrDigest
  if (b.kind === 'symlink') return now.target === b.target
  if (b.kind === 'file' && (s.size !== b.size || Math.abs(s.mtimeMs - b.mtimeMs) > TIME_SLACK_MS)) return false
  return digestOf(now) === b.xattrDigest
}

function sameData(now: StorageEntry, b: RestoreEntry, hashFile: HashFile): boolean {
  return b.kind !== 'file' || b.sha256 === undefined || hashFile(now.real) === b.sha256
}

/** The current entry's digest (restoreBackup keeps it instead of the values). */
const digestOf = (now: StorageEntry): string => now.xattrDigest ?? portableXattrDigest(now.xattrs)

/**
 * sha256 over the portable xattrs, sorted by name (length-prefixed, so no two sets collide):
 * what a restore plan compares, so neither side has to keep xattr values in memory.
 */
export function portableXattrDigest(xattrs: Array<[string, Buffer]>): string {
  const hash = createHash('sha256')
  const portable = xattrs.filter(([name]) => isPortableXattr(name)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  for (const [name, value] of portable) {
    const n = Buffer.from(name)
    hash.update(`${n.length}:`).update(n).update(`${value.length}:`).update(value)
  }
  return hash.digest('hex')
}
