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
import { BackupError } from './BackupError.ts'
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
  xattrs: Array<[string, Buffer]>
  opaque: boolean
  /** sha256 of a regular file's data, filled in by the checking pass. */
  sha256?: string
}

export interface RestoreLimits {
  /** Most entries an archive may hold. */
  maxEntries: number
  /** Most bytes of file data an archive may hold (once extracted). */
  maxBytes: number
}

export const DEFAULT_LIMITS: RestoreLimits = { maxEntries: 200_000, maxBytes: 4 * 1024 ** 3 }

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

  constructor(limits: RestoreLimits) {
    this.#limits = limits
  }

  /** Validates one tar entry (reading its body only for the manifest). Throws BackupError. */
  async accept(tar: TarEntry): Promise<Accepted> {
    const { header } = tar
    this.#count += 1
    if (this.#count > this.#limits.maxEntries + 1) {
      throw limit(`it has more than ${this.#limits.maxEntries} entries (raise the limit with --max-entries)`)
    }
    const checked = normalizeArchivePath(header.path)
    if (!checked.ok) throw refuse(header.path, checked.reason)
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
      throw limit(`it has ${manifest.entries} entries, more than the limit of ${this.#limits.maxEntries} (raise it with --max-entries)`)
    }
    if (manifest.bytes > this.#limits.maxBytes) {
      throw limit(`it holds ${manifest.bytes} bytes, more than the limit of ${this.#limits.maxBytes} (raise it with --max-bytes)`)
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
      opaque: false,
    }
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
    if (this.bytes > this.#limits.maxBytes) {
      throw limit(`it holds more than ${this.#limits.maxBytes} bytes of data (raise the limit with --max-bytes)`)
    }
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
    if (isRestorableXattr(attr)) out.push([attr, value])
  }
  return out
}

function refuse(name: string, reason: string): BackupError {
  return new BackupError('invalid-input', `entry ${JSON.stringify(name)} ${reason}`)
}

function limit(reason: string): BackupError {
  return new BackupError('invalid-input', reason)
}
