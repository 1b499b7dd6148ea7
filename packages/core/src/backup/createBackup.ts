/**
 * `backup`: streams STORAGE/upper into a gzip-compressed PAX tar (format: ./archiveFormat.ts).
 * The storage is only read. A storage a layerdeck daemon serves is backed up from a point-in-time
 * snapshot the daemon takes (engine/snapshots.ts): the archive is the storage at one instant,
 * however busy the device. Each file's header and data come from one descriptor; a file that
 * changes while it is read (possible only on a storage the kernel has mounted) fails the backup
 * with a message: never a torn file, never exit 0 on a half archive.
 */
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { storagePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { createNodeSys } from '../sys/nodeSys.ts'
import {
  baseName,
  FORMAT_NAME,
  FORMAT_VERSION,
  isPortableXattr,
  joinRel,
  MANIFEST_NAME,
  OPAQUE_MARKER,
  parentPath,
  WHITEOUT_PREFIX,
  XATTR_RECORD_PREFIX,
  type Manifest,
} from './archiveFormat.ts'
import { BackupError } from './BackupError.ts'
import { END_OF_ARCHIVE, encodeEntry, formatSeconds, padding, TYPE, type TarHeader } from './tarHeader.ts'
import { walkStorage, type StorageEntry } from './walkStorage.ts'
import { withSnapshot } from './snapshot.ts'
import { errorCode } from '../engine/OverlayError.ts'

export interface BackupProgress {
  entries: number
  bytes: number
  totalEntries: number
  totalBytes: number
}

export interface BackupOptions {
  storage: string
  sys?: Sys
  /** gzip level, 1 (fast) to 9 (small); default 6. */
  level?: number
  onProgress?: (progress: BackupProgress) => void
}

export interface BackupResult {
  manifest: Manifest
  /** Compressed bytes written. */
  archiveBytes: number
  whiteouts: number
  opaqueDirs: number
  /** Entries that cannot be represented (device nodes, sockets, reserved names) or vanished. */
  skipped: Array<{ path: string; reason: string }>
}

const CHUNK = 1 << 20

/** Writes a backup of `options.storage` to `out` (ended when done). */
export async function createBackup(out: Writable, options: BackupOptions): Promise<BackupResult> {
  const sys = options.sys ?? createNodeSys()
  requireUpper(sys, options.storage)
  return withSnapshot(options.storage, (storage) => writeBackup(out, { ...options, storage }, sys))
}

async function writeBackup(out: Writable, options: BackupOptions, sys: Sys): Promise<BackupResult> {
  const upper = requireUpper(sys, options.storage)
  const skipped: BackupResult['skipped'] = []
  const { entries, links } = collect(sys, upper, skipped)
  const totalBytes = entries.reduce((n, e) => n + (e.kind === 'file' && !links.has(e) ? e.stat.size : 0), 0)
  const manifest: Manifest = {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    entries: entries.length,
    bytes: totalBytes,
  }
  const gzip = createGzip({ level: options.level ?? 6 })
  let archiveBytes = 0
  gzip.on('data', (chunk: Buffer) => (archiveBytes += chunk.length))
  const piped = pipeline(gzip, out)
  const writer = new EntryWriter(sys, gzip, links)
  try {
    await writer.manifest(manifest)
    const progress: BackupProgress = { entries: 0, bytes: 0, totalEntries: entries.length, totalBytes }
    for (const entry of entries) {
      const written = await writer.entry(entry)
      progress.entries += 1
      progress.bytes += written
      options.onProgress?.(progress)
    }
    await write(gzip, END_OF_ARCHIVE)
    gzip.end()
    await piped
  } catch (err) {
    gzip.destroy(err instanceof Error ? err : new Error(String(err)))
    await piped.catch(() => undefined)
    throw err
  }
  return { manifest, archiveBytes, whiteouts: writer.whiteouts, opaqueDirs: writer.opaqueDirs, skipped }
}

export function requireUpper(sys: Sys, storage: string): string {
  const paths = storagePaths(storage)
  const root = sys.lstat(paths.root)
  if (root === undefined) throw new BackupError('not-found', `storage ${storage} does not exist`)
  const upper = sys.lstat(paths.upper)
  if (upper === undefined || (upper.mode & 0o170000) !== 0o040000) {
    throw new BackupError(
      'invalid-input',
      `storage ${storage} is not in overlayfs format: it has no upper/ directory (give the folder that holds upper/ and work/)`,
    )
  }
  return paths.upper
}

/**
 * Lists what will be written. Hard links: the first path of an inode is stored, later paths
 * become links to it (`links`: entry → first path).
 */
function collect(sys: Sys, upper: string, skipped: BackupResult['skipped']): { entries: StorageEntry[]; links: Map<StorageEntry, string> } {
  const out: StorageEntry[] = []
  const links = new Map<StorageEntry, string>()
  const firstPath = new Map<number, string>()
  for (const entry of walkStorage(sys, upper)) {
    const name = baseName(entry.path)
    if (entry.kind === 'device' || entry.kind === 'socket') {
      skipped.push({ path: entry.path, reason: `a ${entry.kind === 'device' ? 'device node' : 'socket'} is not backed up` })
      continue
    }
    if (name.startsWith(WHITEOUT_PREFIX) || entry.path === MANIFEST_NAME) {
      skipped.push({ path: entry.path, reason: 'the name is reserved by the backup format' })
      continue
    }
    if (entry.kind !== 'dir' && entry.kind !== 'whiteout' && entry.stat.nlink > 1) {
      const first = firstPath.get(entry.stat.ino)
      if (first === undefined) firstPath.set(entry.stat.ino, entry.path)
      else links.set(entry, first)
    }
    out.push(entry)
  }
  return { entries: out, links }
}

async function write(stream: Writable, buf: Buffer): Promise<void> {
  if (buf.length === 0) return
  if (!stream.write(buf)) await once(stream, 'drain')
}

class EntryWriter {
  whiteouts = 0
  opaqueDirs = 0
  readonly #sys: Sys
  readonly #out: Writable
  readonly #links: Map<StorageEntry, string>

  constructor(sys: Sys, out: Writable, links: Map<StorageEntry, string>) {
    this.#sys = sys
    this.#out = out
    this.#links = links
  }

  async manifest(manifest: Manifest): Promise<void> {
    const data = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)
    const header = plainHeader(MANIFEST_NAME, TYPE.file, 0o644, data.length, manifest.createdAt)
    await write(this.#out, Buffer.concat([encodeEntry(header), data, padding(data.length)]))
  }

  /** Writes one storage entry; returns the data bytes written. */
  async entry(entry: StorageEntry): Promise<number> {
    if (entry.kind === 'whiteout') {
      this.whiteouts += 1
      const name = joinRel(parentPath(entry.path), `${WHITEOUT_PREFIX}${baseName(entry.path)}`)
      await write(this.#out, encodeEntry({ ...headerOf(entry, name), type: TYPE.file, mode: 0o600 }))
      return 0
    }
    const base = headerOf(entry, entry.kind === 'dir' ? (entry.path === '' ? './' : `${entry.path}/`) : entry.path)
    const records = extraRecords(entry)
    const linkTarget = this.#links.get(entry)
    if (linkTarget !== undefined) {
      await write(this.#out, encodeEntry({ ...base, type: TYPE.hardlink, linkpath: linkTarget }, records))
      return 0
    }
    switch (entry.kind) {
      case 'dir':
        await write(this.#out, encodeEntry({ ...base, type: TYPE.dir }, records))
        if (entry.opaque) await this.#opaqueMarker(entry)
        return 0
      case 'symlink':
        await write(this.#out, encodeEntry({ ...base, type: TYPE.symlink, linkpath: entry.target ?? '' }, records))
        return 0
      case 'fifo':
        await write(this.#out, encodeEntry({ ...base, type: TYPE.fifo }, records))
        return 0
      case 'file':
        return this.#file(entry, base, records)
      default:
        return 0
    }
  }

  async #opaqueMarker(dir: StorageEntry): Promise<void> {
    this.opaqueDirs += 1
    const name = joinRel(dir.path, OPAQUE_MARKER)
    await write(this.#out, encodeEntry({ ...headerOf(dir, name), type: TYPE.file, mode: 0o600 }))
  }

  /**
   * Streams a file's data: header and data from one descriptor (its size from fstat). A file
   * that vanished or changed while read fails the backup (only a storage the kernel mounted can
   * change under a backup: a daemon's storage is read from a snapshot).
   */
  async #file(entry: StorageEntry, header: TarHeader, records: Array<[string, Buffer]>): Promise<number> {
    let fd: number
    try {
      fd = this.#sys.open(entry.real, 0)
    } catch (err) {
      throw changedUnder(entry.path, `it could not be opened (${errorCode(err) ?? String(err)})`)
    }
    try {
      const before = this.#sys.fstat(fd)
      const size = before.size
      await write(this.#out, encodeEntry({ ...header, type: TYPE.file, size }, records))
      for (let pos = 0; pos < size; ) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - pos))
        const n = this.#sys.read(fd, buf, 0, buf.length, pos)
        if (n === 0) throw changedUnder(entry.path, 'it shrank while it was read')
        await write(this.#out, buf.subarray(0, n))
        pos += n
      }
      const after = this.#sys.fstat(fd)
      if (after.size !== size || after.mtimeSec !== before.mtimeSec || after.mtimeNsec !== before.mtimeNsec) {
        throw changedUnder(entry.path, 'it was written while it was read')
      }
      await write(this.#out, padding(size))
      return size
    } finally {
      this.#sys.close(fd)
    }
  }
}

function changedUnder(path: string, why: string): BackupError {
  return new BackupError(
    'conflict',
    `/${path} changed under the backup (${why}): the storage is in use by the kernel's overlay; back it up when it is quiet, or unmounted`,
  )
}

function headerOf(entry: StorageEntry, path: string): TarHeader {
  const { stat } = entry
  return {
    path,
    type: TYPE.file,
    mode: stat.mode & 0o7777,
    uid: stat.uid,
    gid: stat.gid,
    size: 0,
    mtime: stat.mtimeMs / 1000,
    linkpath: '',
    devmajor: 0,
    devminor: 0,
  }
}

function plainHeader(path: string, type: string, mode: number, size: number, iso: string): TarHeader {
  return { path, type, mode, uid: 0, gid: 0, size, mtime: Math.floor(Date.parse(iso) / 1000), linkpath: '', devmajor: 0, devminor: 0 }
}

function extraRecords(entry: StorageEntry): Array<[string, Buffer]> {
  const records: Array<[string, Buffer]> = [['atime', Buffer.from(formatSeconds(entry.stat.atimeMs / 1000))]]
  for (const [name, value] of entry.xattrs) {
    if (isPortableXattr(name)) records.push([`${XATTR_RECORD_PREFIX}${name}`, value])
  }
  return records
}
