/**
 * Checks every archive entry before anything is written: names stay inside the storage, only
 * directories, files, symlinks, hard links, FIFOs and whiteout markers, every parent is a
 * directory entry of the same archive (so nothing can be written through a symlink), hard links
 * point at earlier files, and the entry count and data size stay under the limits.
 */
import {
  baseName,
  isRestorableXattr,
  MANIFEST_NAME,
  normalizeArchivePath,
  OPAQUE_MARKER,
  parentPath,
  parseManifest,
  WHITEOUT_PREFIX,
  XATTR_RECORD_PREFIX,
  type Manifest,
} from './archiveFormat.ts'
import { REDIRECT_XATTR } from '../engine/storageFormat.ts'
import { redirectProblem } from '../engine/redirect.ts'
import { BackupError } from './BackupError.ts'
import { portableXattrDigest } from './planRestore.ts'
import { TYPE, type TarHeader } from './tarHeader.ts'
import type { TarEntry } from './tarReader.ts'

export type RestoreKind = 'dir' | 'file' | 'symlink' | 'hardlink' | 'fifo' | 'whiteout'

export interface RestoreEntry {
  /** Relative to upper/ ('' is the storage root). */
  path: string
  kind: RestoreKind
  mode: number
  uid: number
  gid: number
  mtimeMs: number
  atimeMs: number
  size: number
  /** Symlink target, or the storage-relative path a hard link points at. */
  target?: string
  /**
   * The entry's xattrs while it is being handled (scanArchive's callback); emptied afterwards,
   * so the map of every entry holds only `xattrDigest`.
   */
  xattrs: Array<[string, Buffer]>
  /** sha256 of the portable xattrs (what the plan compares). */
  xattrDigest: string
  opaque: boolean
  /** sha256 of a regular file's data, filled in by the checking pass. */
  sha256?: string
}

export interface RestoreLimits {
  /** Most entries an archive may hold. */
  maxEntries: number
  /** Most bytes of file data an archive may hold (once extracted). */
  maxBytes: number
  /** Most bytes of extended attributes (names and values, all entries together). */
  maxXattrBytes: number
  /** Most bytes of entry names and link targets, all entries together (kept for the plan). */
  maxNameBytes: number
}

/**
 * Sized for a small device (the restore runs there, beside the system): validation keeps about
 * 250 bytes per entry plus its name, so the defaults keep a dry run or a restore under ~150 MB
 * of memory, and bound the decompressed stream to about 2.4 GB (see scanArchive).
 */
export const DEFAULT_LIMITS: RestoreLimits = {
  maxEntries: 100_000,
  maxBytes: 2 * 1024 ** 3,
  maxXattrBytes: 16 * 1024 ** 2,
  maxNameBytes: 16 * 1024 ** 2,
}

/** What the CLI calls each limit, for refusals that say how to raise it. */
const FLAG: Record<keyof RestoreLimits, string> = {
  maxEntries: '--max-entries',
  maxBytes: '--max-bytes',
  maxXattrBytes: '--max-xattr-bytes',
  maxNameBytes: '--max-name-bytes',
}

const MAX_MANIFEST = 64 * 1024
const MAX_XATTR_VALUE = 64 * 1024

export type Accepted = { kind: 'manifest' } | { kind: 'opaque'; dir: string } | { kind: 'entry'; entry: RestoreEntry }

export class ArchiveValidator {
  readonly entries = new Map<string, RestoreEntry>()
  manifest: Manifest | undefined
  bytes = 0
  /** Set when the archive marks the storage root opaque without a root entry. */
  rootOpaque = false
  readonly #limits: RestoreLimits
  #count = 0
  #xattrBytes = 0
  #nameBytes = 0

  constructor(limits: RestoreLimits) {
    this.#limits = limits
  }

  /** Validates one tar entry (reading its body only for the manifest). Throws BackupError. */
  async accept(tar: TarEntry): Promise<Accepted> {
    const { header } = tar
    this.#count += 1
    if (this.#count > this.#limits.maxEntries + 1) {
      throw limit('maxEntries', `it has more than ${this.#limits.maxEntries} entries`)
    }
    const checked = normalizeArchivePath(header.path)
    if (!checked.ok) throw refuse(header.path, checked.reason)
    this.#addNameBytes(Buffer.byteLength(checked.path) + Buffer.byteLength(header.linkpath))
    if (this.manifest === undefined) return this.#manifest(tar, checked.path)
    const name = baseName(checked.path)
    if (name === OPAQUE_MARKER) return this.#opaque(header, checked.path)
    const kind = kindOf(header, name)
    const path = name.startsWith(WHITEOUT_PREFIX) ? whiteoutPath(header.path, checked.path) : checked.path
    const entry = this.#entry(tar, path, kind)
    this.#checkPlace(header.path, entry)
    if (kind === 'hardlink') entry.target = this.#linkTarget(header)
    if (kind === 'file') this.#addBytes(entry.size)
    this.entries.set(path, entry)
    return { kind: 'entry', entry }
  }

  async #manifest(tar: TarEntry, path: string): Promise<Accepted> {
    const isFile = kindOf(tar.header, path) === 'file'
    if (path !== MANIFEST_NAME || !isFile || tar.header.size > MAX_MANIFEST) {
      throw new BackupError('invalid-input', `it is not a LayerDeck backup: it does not start with ${MANIFEST_NAME}`)
    }
    const chunks: Buffer[] = []
    for await (const chunk of tar.body()) chunks.push(chunk)
    const manifest = parseManifest(Buffer.concat(chunks))
    if (typeof manifest === 'string') throw new BackupError('invalid-input', `it is not a usable LayerDeck backup: ${manifest}`)
    if (manifest.entries > this.#limits.maxEntries) {
      throw limit('maxEntries', `it has ${manifest.entries} entries, more than the limit of ${this.#limits.maxEntries}`)
    }
    if (manifest.bytes > this.#limits.maxBytes) {
      throw limit('maxBytes', `it holds ${manifest.bytes} bytes, more than the limit of ${this.#limits.maxBytes}`)
    }
    this.manifest = manifest
    return { kind: 'manifest' }
  }

  #opaque(header: TarHeader, path: string): Accepted {
    const dir = parentPath(path)
    const parent = this.entries.get(dir)
    if (kindOf(header, OPAQUE_MARKER) !== 'whiteout' || header.type === TYPE.charDevice || header.size !== 0) throw refuse(header.path, 'is an opaque marker that is not an empty file')
    if (dir !== '' && parent?.kind !== 'dir') throw refuse(header.path, 'marks a directory opaque that is not an earlier directory entry')
    if (parent !== undefined) parent.opaque = true
    else this.rootOpaque = true
    return { kind: 'opaque', dir }
  }

  #entry(tar: TarEntry, path: string, kind: RestoreKind): RestoreEntry {
    const { header, pax } = tar
    const mtimeMs = header.mtime * 1000
    const atime = pax.get('atime')?.toString('latin1')
    const atimeMs = atime !== undefined && /^[0-9]{1,16}(\.[0-9]{1,9})?$/.test(atime) ? Number(atime) * 1000 : mtimeMs
    const entry: RestoreEntry = {
      path,
      kind,
      mode: header.mode & 0o7777,
      uid: header.uid,
      gid: header.gid,
      mtimeMs,
      atimeMs,
      size: kind === 'file' ? header.size : 0,
      xattrs: kind === 'whiteout' ? [] : xattrsOf(header.path, tar),
      xattrDigest: '',
      opaque: false,
    }
    entry.xattrDigest = portableXattrDigest(entry.xattrs)
    this.#addXattrBytes(tar)
    if (kind === 'symlink') entry.target = symlinkTarget(header)
    return entry
  }

  #checkPlace(name: string, entry: RestoreEntry): void {
    if (entry.path === '' && entry.kind !== 'dir') throw refuse(name, 'replaces the storage root with a non-directory')
    if (this.entries.has(entry.path)) throw refuse(name, `appears twice in the archive (${entry.path || './'})`)
    if (entry.path === '') return
    const parent = parentPath(entry.path)
    if (parent === '') return
    const p = this.entries.get(parent)
    if (p === undefined) throw refuse(name, 'has no directory entry for its parent before it')
    if (p.kind === 'symlink') throw refuse(name, `is inside a symlink (${parent})`)
    if (p.kind !== 'dir') throw refuse(name, `is inside a non-directory (${parent})`)
  }

  #linkTarget(header: TarHeader): string {
    const checked = normalizeArchivePath(header.linkpath)
    if (!checked.ok) throw refuse(header.path, `is a hard link whose target ${checked.reason}`)
    const target = this.entries.get(checked.path)
    if (target === undefined || target.kind === 'dir' || target.kind === 'whiteout') {
      throw refuse(header.path, `is a hard link to ${header.linkpath}, which is not an earlier file of the archive`)
    }
    return target.kind === 'hardlink' ? (target.target as string) : checked.path
  }

  #addBytes(size: number): void {
    this.bytes += size
    if (this.bytes > this.#limits.maxBytes) throw limit('maxBytes', `it holds more than ${this.#limits.maxBytes} bytes of data`)
  }

  /** Every xattr record counts, kept or not: each one is read and decoded. */
  #addXattrBytes(tar: TarEntry): void {
    for (const [key, value] of tar.pax) {
      if (key.startsWith(XATTR_RECORD_PREFIX)) this.#xattrBytes += key.length - XATTR_RECORD_PREFIX.length + value.length
    }
    if (this.#xattrBytes > this.#limits.maxXattrBytes) {
      throw limit('maxXattrBytes', `its extended attributes take more than ${this.#limits.maxXattrBytes} bytes`)
    }
  }

  #addNameBytes(n: number): void {
    this.#nameBytes += n
    if (this.#nameBytes > this.#limits.maxNameBytes) {
      throw limit('maxNameBytes', `its entry names and link targets take more than ${this.#limits.maxNameBytes} bytes`)
    }
  }

  /** After an entry was handled: its xattr values go; the plan needs only their digest. */
  release(entry: RestoreEntry): void {
    entry.xattrs = []
  }

  /** Called after the last entry. */
  finish(): Manifest {
    if (this.manifest === undefined) throw new BackupError('invalid-input', 'it is not a LayerDeck backup: it is empty')
    return this.manifest
  }
}

function kindOf(header: TarHeader, name: string): RestoreKind {
  switch (header.type) {
    case TYPE.file:
    case TYPE.oldFile:
    case TYPE.contiguous:
      if (name.startsWith(WHITEOUT_PREFIX)) return 'whiteout'
      return 'file'
    case TYPE.dir:
      return 'dir'
    case TYPE.symlink:
      return 'symlink'
    case TYPE.hardlink:
      return 'hardlink'
    case TYPE.fifo:
      return 'fifo'
    case TYPE.charDevice:
      if (header.devmajor === 0 && header.devminor === 0) return 'whiteout'
      throw refuse(header.path, `is a character device (${header.devmajor}/${header.devminor}), not a whiteout`)
    case TYPE.blockDevice:
      throw refuse(header.path, 'is a block device')
    default:
      throw refuse(header.path, `has an unsupported tar entry type '${header.type.replace(/\0/g, '\\0')}'`)
  }
}

/** `dir/.wh.NAME` → `dir/NAME`; a 0/0 character device stays where it is. */
function whiteoutPath(name: string, path: string): string {
  const hidden = baseName(path).slice(WHITEOUT_PREFIX.length)
  if (hidden === '' || hidden === '.' || hidden === '..') throw refuse(name, 'is a whiteout marker without a valid name')
  const parent = parentPath(path)
  return parent === '' ? hidden : `${parent}/${hidden}`
}

function symlinkTarget(header: TarHeader): string {
  const target = header.linkpath
  if (target === '' || target.includes('\0') || Buffer.byteLength(target) > 4095) {
    throw refuse(header.path, 'is a symlink with an empty or invalid target')
  }
  return target
}

function xattrsOf(name: string, tar: TarEntry): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = []
  for (const [key, value] of tar.pax) {
    if (!key.startsWith(XATTR_RECORD_PREFIX)) continue
    const attr = key.slice(XATTR_RECORD_PREFIX.length)
    if (!/^(user|trusted|security|system)\./.test(attr)) throw refuse(name, `has an extended attribute in an unknown namespace (${attr})`)
    if (value.length > MAX_XATTR_VALUE) throw refuse(name, `has an extended attribute over 64 KiB (${attr})`)
    const bad = attr === REDIRECT_XATTR ? redirectProblem(value) : undefined
    if (bad !== undefined) throw refuse(name, `has a ${REDIRECT_XATTR} that ${bad}: it could point outside the layer`)
    if (isRestorableXattr(attr)) out.push([attr, value])
  }
  return out
}

function refuse(name: string, reason: string): BackupError {
  return new BackupError('invalid-input', `entry ${JSON.stringify(name)} ${reason}`)
}

/** A refusal that names the limit and the CLI flag that raises it. */
function limit(which: keyof RestoreLimits, reason: string): BackupError {
  return new BackupError('invalid-input', `${reason} (the ${which} limit; raise it with ${FLAG[which]})`)
}
