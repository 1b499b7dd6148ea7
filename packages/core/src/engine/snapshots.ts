/**
 * Point-in-time snapshots of the storage, for consistent live backups. A snapshot is
 * work/layerdeck/snapshot-ID/upper: a copy of upper/'s directories with every other entry hard-
 * linked into it, made in one synchronous walk on the engine's thread (no FUSE request runs
 * meanwhile), so it is the storage as it was at one instant. A file that is open for writing,
 * or has other names, is copied instead. Afterwards the first change to a file the snapshot
 * shares (open for writing, truncate, chmod, xattrs...) gives the live file a new inode first
 * (copy, fsync, rename over), so the snapshot never changes. Released when the backup is done
 * (or its client goes away); leftovers of a crash are removed at the next mount.
 */
import type { OverlayContext } from './context.ts'
import { copySparse } from './copyUp.ts'
import { isDir, isFile, isSymlink, S_IFCHR } from './fileMode.ts'
import { hasCode } from './OverlayError.ts'
import { isWhiteoutStat } from './storageFormat.ts'
import type { Entry } from './layers.ts'
import { removeTree } from './staging.ts'
import type { FileStat, Sys } from './sys.ts'
import { atimeOf, mtimeOf } from './times.ts'

export const SNAPSHOT_PREFIX = 'snapshot-'
const O_WRONLY_CREAT_EXCL = 0o1 | 0o100 | 0o200

interface Live {
  dir: string
  keys: string[]
}

const keyOf = (s: FileStat): string => `${s.dev}:${s.ino}`

export class Snapshots {
  readonly #ctx: OverlayContext
  readonly #live = new Map<string, Live>()
  /** Inodes hard-linked into live snapshots, with how many snapshots hold each. */
  readonly #shared = new Map<string, number>()
  #counter = 0

  constructor(ctx: OverlayContext) {
    this.#ctx = ctx
  }

  /** Removes snapshots a crash left behind (at mount, before any is taken). */
  removeStale(): number {
    const { sys, paths } = this.#ctx
    let n = 0
    for (const name of sys.readdir(paths.staging)) {
      if (!name.startsWith(SNAPSHOT_PREFIX)) continue
      removeTree(sys, `${paths.staging}/${name}`)
      n += 1
    }
    return n
  }

  /** Takes a snapshot; `dir` holds upper/ as it is now (a storage-format folder). */
  create(writing: (path: string) => boolean): { id: string; dir: string } {
    const { sys, paths } = this.#ctx
    this.#counter += 1
    const id = `${SNAPSHOT_PREFIX}${process.pid}-${Date.now()}-${this.#counter}`
    const dir = `${paths.staging}/${id}`
    sys.mkdir(dir, 0o700)
    const keys: string[] = []
    try {
      copyTree(sys, paths.upper, `${dir}/upper`, (rel, stat) => {
        if (!isFile(stat.mode) || stat.nlink > 1 || writing(rel || '/')) return false
        keys.push(keyOf(stat))
        return true
      })
    } catch (err) {
      removeTree(sys, dir)
      throw err
    }
    for (const k of keys) this.#shared.set(k, (this.#shared.get(k) ?? 0) + 1)
    this.#live.set(id, { dir, keys })
    return { id, dir }
  }

  release(id: string): boolean {
    const live = this.#live.get(id)
    if (live === undefined) return false
    this.#live.delete(id)
    for (const k of live.keys) {
      const n = (this.#shared.get(k) ?? 1) - 1
      if (n > 0) this.#shared.set(k, n)
      else this.#shared.delete(k)
    }
    removeTree(this.#ctx.sys, live.dir)
    return true
  }

  /** Links a live snapshot adds to a storage inode (getattr hides them). */
  extraLinks(stat: FileStat): number {
    return this.#shared.size === 0 ? 0 : (this.#shared.get(keyOf(stat)) ?? 0)
  }

  /**
   * Before a storage file changes: when a snapshot shares its inode, the file gets a copy of its
   * own (same data, owner, mode, times, xattrs) renamed over it; handles open on it follow.
   */
  unshare(path: string, entry: Entry): Entry {
    if (this.#shared.size === 0 || entry.layer !== 'storage' || !this.#shared.has(keyOf(entry.stat))) return entry
    const { sys, staging } = this.#ctx
    const tmp = staging.next()
    try {
      copyFile(sys, entry.real, entry.stat, tmp)
      sys.rename(tmp, entry.real)
    } catch (err) {
      staging.discard(tmp)
      throw err
    }
    this.#ctx.reopened?.(path, entry.real)
    const stat = sys.lstat(entry.real) ?? entry.stat
    return { ...entry, stat }
  }
}

/** A whole file with everything about it (private xattrs too: its origin record). */
function copyFile(sys: Sys, src: string, stat: FileStat, dest: string): void {
  const fd = sys.open(dest, O_WRONLY_CREAT_EXCL, 0o600)
  try {
    copySparse(sys, src, fd, stat.size)
    sys.fchown(fd, stat.uid, stat.gid)
    sys.fchmod(fd, stat.mode & 0o7777)
    copyAllXattrs(sys, src, dest)
    sys.futimens(fd, atimeOf(stat), mtimeOf(stat))
    sys.fsync(fd)
  } finally {
    sys.close(fd)
  }
}

function copyAllXattrs(sys: Sys, from: string, to: string): void {
  for (const name of sys.listXattr(from)) {
    const value = sys.getXattr(from, name)
    if (value !== undefined) sys.setXattr(to, name, value)
  }
}

interface Frame {
  src: string
  dest: string
  rel: string
  stat: FileStat
  names: string[]
  next: number
}

/**
 * Copies the directories of `src` to `dest`, hard-linking every other entry (copying those
 * `link` refuses); iterative, a directory's metadata set once its entries are in.
 */
function copyTree(sys: Sys, src: string, dest: string, link: (rel: string, stat: FileStat) => boolean): void {
  const root = sys.lstat(src)
  if (root === undefined || !isDir(root.mode)) return
  sys.mkdir(dest, 0o700)
  const stack: Frame[] = [{ src, dest, rel: '', stat: root, names: sys.readdir(src), next: 0 }]
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    const name = top.names[top.next++]
    if (name === undefined) {
      dirMeta(sys, top.src, top.stat, top.dest)
      stack.pop()
      continue
    }
    const from = `${top.src}/${name}`
    const to = `${top.dest}/${name}`
    const rel = `${top.rel}/${name}`
    const stat = sys.lstat(from)
    if (stat === undefined) continue
    if (isDir(stat.mode)) {
      sys.mkdir(to, 0o700)
      stack.push({ src: from, dest: to, rel, stat, names: sys.readdir(from), next: 0 })
    } else if (isWhiteoutStat(stat)) {
      linkWhiteout(sys, from, to)
    } else if (isFile(stat.mode) && link(rel, stat)) {
      sys.link(from, to)
    } else if (isFile(stat.mode)) {
      copyFile(sys, from, stat, to)
    } else {
      // Symlinks and nodes are cheap to copy, and their owner or mode could change in place.
      if (isSymlink(stat.mode)) sys.symlink(sys.readlink(from), to)
      else sys.mknod(to, stat.mode, stat.rdev)
      dirMeta(sys, from, stat, to)
    }
  }
}

/** A whiteout never changes: a link of it, or a new one when its link count is used up. */
function linkWhiteout(sys: Sys, from: string, to: string): void {
  try {
    sys.link(from, to)
  } catch (err) {
    if (!hasCode(err, 'EMLINK')) throw err
    sys.mknod(to, S_IFCHR, 0)
  }
}

/** Owner, mode, every xattr and the times of `src`, onto `dest` (never through a symlink). */
function dirMeta(sys: Sys, src: string, stat: FileStat, dest: string): void {
  sys.lchown(dest, stat.uid, stat.gid)
  if (!isSymlink(stat.mode)) sys.chmod(dest, stat.mode & 0o7777)
  copyAllXattrs(sys, src, dest)
  sys.utimens(dest, atimeOf(stat), mtimeOf(stat))
}
