/**
 * The backup archive format (documented in ./README.md): a gzip-compressed POSIX (PAX) tar of
 * STORAGE/upper with OCI image-layer conventions for the overlay's special entries.
 *
 *   .layerdeck-backup.json   first entry: the manifest (format name and version, counts)
 *   ./                       the storage root directory (its mode, owner, times, xattrs)
 *   etc/  etc/config/x       directories, files, symlinks, hard links, FIFOs, as in upper/
 *   etc/.wh.NAME             a whiteout: NAME deleted from the base (upper: a 0/0 char device)
 *   etc/.wh..wh..opq         etc/ is opaque (upper: xattr trusted.overlay.opaque=y)
 *
 * xattrs travel as PAX `SCHILY.xattr.NAME` records (GNU tar, bsdtar, Go's archive/tar read them);
 * times as PAX `mtime`/`atime` with nanoseconds; owners as numeric uid/gid.
 */
import { encodeName } from '../engine/byteNames.ts'
import { OPAQUE_XATTR, REDIRECT_XATTR } from '../engine/storageFormat.ts'

export const MANIFEST_NAME = '.layerdeck-backup.json'
export const FORMAT_NAME = 'layerdeck-backup'
export const FORMAT_VERSION = 1
export const WHITEOUT_PREFIX = '.wh.'
export const OPAQUE_MARKER = '.wh..wh..opq'
export const XATTR_RECORD_PREFIX = 'SCHILY.xattr.'

export interface Manifest {
  format: typeof FORMAT_NAME
  version: number
  createdAt: string
  /** Entries after the manifest, as stored in upper/ (a whiteout or opaque marker counts once). */
  entries: number
  /** Bytes of regular-file data. */
  bytes: number
}

/**
 * Which trusted.overlay.* xattrs a backup keeps. `opaque` travels as the OCI marker; `redirect`
 * (a kernel-renamed directory) is a path and stays meaningful; the others (origin, impure,
 * nlink, uuid, metacopy) are file handles or caches tied to the original filesystem.
 */
export function isPortableXattr(name: string): boolean {
  if (!name.startsWith('trusted.overlay.')) return true
  return name === REDIRECT_XATTR
}

/** xattrs a restore accepts from an archive (the opaque flag is also accepted as an xattr). */
export function isRestorableXattr(name: string): boolean {
  if (!/^(user|trusted|security|system)\.[^\0]{1,250}$/.test(name)) return false
  return isPortableXattr(name) || name === OPAQUE_XATTR
}

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string }

/**
 * Normalises an archive member name to a storage-relative path ('' is the storage root).
 * Refuses absolute names, '..' anywhere, NUL bytes and over-long names: nothing may land
 * outside the storage.
 */
export function normalizeArchivePath(name: string): PathCheck {
  if (name.includes('\0')) return { ok: false, reason: 'contains a NUL byte' }
  if (name.startsWith('/')) return { ok: false, reason: 'is an absolute path' }
  if (encodeName(name).length > 4095) return { ok: false, reason: 'is longer than 4095 bytes' }
  const parts: string[] = []
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') return { ok: false, reason: "contains '..'" }
    if (encodeName(part).length > 255) return { ok: false, reason: 'has a name longer than 255 bytes' }
    parts.push(part)
  }
  return { ok: true, path: parts.join('/') }
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/')
  return i === -1 ? '' : path.slice(0, i)
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

export function joinRel(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`
}

/** The merged path users see ('/etc/hosts') for a storage-relative path ('etc/hosts'). */
export function toMergedPath(path: string): string {
  return `/${path}`
}

export function parseManifest(data: Buffer): Manifest | string {
  let value: unknown
  try {
    value = JSON.parse(data.toString('utf8'))
  } catch {
    return 'its manifest is not valid JSON'
  }
  if (typeof value !== 'object' || value === null) return 'its manifest is not an object'
  const m = value as Partial<Manifest>
  if (m.format !== FORMAT_NAME) return `its manifest is not a ${FORMAT_NAME} manifest`
  if (typeof m.version !== 'number') return 'its manifest has no version'
  if (m.version > FORMAT_VERSION) {
    return `it was written in format version ${m.version}, newer than this LayerDeck reads (${FORMAT_VERSION}): upgrade LayerDeck`
  }
  if (!Number.isSafeInteger(m.entries) || !Number.isSafeInteger(m.bytes)) return 'its manifest has no entry counts'
  return { format: FORMAT_NAME, version: m.version, createdAt: String(m.createdAt), entries: m.entries!, bytes: m.bytes! }
}
