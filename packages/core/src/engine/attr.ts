/**
 * What getattr reports. Inode numbers are 32-bit through fuse-native: base inodes keep their
 * number (low 31 bits), storage-only inodes get the top bit, and a copied-up file keeps the
 * number of the base file it covers, so st_ino survives copy-up.
 */
import { isDir } from './fileMode.ts'
import type { Entry, Layers } from './layers.ts'
import type { FileStat } from './sys.ts'

/** What getattr shows: a stat of the entry in its layer, with the overlay's inode number and nlink. */
export type Attr = FileStat

export const baseIno = (ino: number): number => (ino & 0x7fffffff) || 1
export const storageIno = (ino: number): number => ((ino & 0x7fffffff) | 0x80000000) >>> 0

export function inoOf(layers: Layers, entry: Entry, name: string): { ino: number; merged: boolean } {
  if (entry.layer === 'base') return { ino: baseIno(entry.stat.ino), merged: false }
  const under = layers.baseUnder(entry, name)
  const sameType = under !== undefined && (under.mode & 0o170000) === (entry.stat.mode & 0o170000)
  if (!isDir(entry.stat.mode)) {
    // Copied up by LayerDeck: the number it came with, even after a rename or as a hard link.
    const origin = layers.originIno(entry.real, under)
    if (origin !== undefined) return { ino: baseIno(origin), merged: false }
  }
  if (under !== undefined && sameType) return { ino: baseIno(under.ino), merged: isDir(under.mode) }
  return { ino: storageIno(entry.stat.ino), merged: false }
}

/** `hiddenLinks`: links a live snapshot holds (snapshots.ts), not shown. */
export function toAttr(stat: FileStat, ino: number, merged: boolean, hiddenLinks = 0): Attr {
  return {
    mode: stat.mode,
    uid: stat.uid,
    gid: stat.gid,
    size: stat.size,
    ino,
    dev: stat.dev,
    // A directory merged from both layers reports nlink 1, like overlayfs: tools must not
    // use the link count to skip subdirectories.
    nlink: merged ? 1 : stat.nlink - hiddenLinks,
    rdev: stat.rdev,
    blksize: stat.blksize,
    blocks: stat.blocks,
    atimeMs: stat.atimeMs,
    mtimeMs: stat.mtimeMs,
    ctimeMs: stat.ctimeMs,
    atimeSec: stat.atimeSec,
    atimeNsec: stat.atimeNsec,
    mtimeSec: stat.mtimeSec,
    mtimeNsec: stat.mtimeNsec,
    ctimeSec: stat.ctimeSec,
    ctimeNsec: stat.ctimeNsec,
  }
}
