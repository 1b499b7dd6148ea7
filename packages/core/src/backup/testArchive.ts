/**
 * Test helper: builds gzip tar archives entry by entry, including hostile ones (escaping paths,
 * devices, lying manifests) that `createBackup` would never write.
 */
import { writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { FORMAT_NAME, FORMAT_VERSION, MANIFEST_NAME } from './archiveFormat.ts'
import { END_OF_ARCHIVE, encodeEntry, padding, TYPE, type TarHeader } from './tarHeader.ts'

export interface TestEntry extends Partial<TarHeader> {
  path: string
  data?: Buffer | string
  pax?: Array<[string, Buffer]>
}

export function manifestEntry(overrides: Record<string, unknown> = {}): TestEntry {
  const manifest = { format: FORMAT_NAME, version: FORMAT_VERSION, createdAt: new Date(0).toISOString(), entries: 1, bytes: 0, ...overrides }
  return { path: MANIFEST_NAME, data: JSON.stringify(manifest) }
}

/** A tar (not compressed) of the given entries; the manifest is NOT added automatically. */
export function tarOf(entries: TestEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data)
    const header: TarHeader = {
      type: TYPE.file,
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtime: 1_700_000_000,
      linkpath: '',
      devmajor: 0,
      devminor: 0,
      ...e,
      size: e.size ?? data.length,
    }
    parts.push(encodeEntry(header, e.pax ?? []), data, padding(data.length))
  }
  parts.push(END_OF_ARCHIVE)
  return Buffer.concat(parts)
}

/** Writes manifest + entries as a .tar.gz; returns the path. */
export function writeArchive(path: string, entries: TestEntry[], withManifest = true): string {
  writeFileSync(path, gzipSync(tarOf(withManifest ? [manifestEntry(), { path: './', type: TYPE.dir, mode: 0o755 }, ...entries] : entries)))
  return path
}
