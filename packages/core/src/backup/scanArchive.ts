/**
 * One pass over a backup file: gunzip, parse, validate every entry, and hand each accepted entry
 * to a callback (nothing for the checking pass, the extraction for the second pass). Gzip and tar
 * damage become BackupErrors with a plain message. Returns the sha256 of the compressed bytes so
 * the second pass can prove it read the same file as the first.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { ArchiveValidator, type Accepted, type RestoreLimits } from './archiveValidator.ts'
import { BackupError } from './BackupError.ts'
import { TarFormatError } from './tarHeader.ts'
import { readTar, type TarEntry } from './tarReader.ts'

export interface ScanResult {
  validator: ArchiveValidator
  sha256: string
  /** Decompressed bytes read. */
  tarBytes: number
}

export type EntryHandler = (accepted: Accepted, tar: TarEntry) => Promise<void> | void

export async function scanArchive(file: string, limits: RestoreLimits, onEntry?: EntryHandler): Promise<ScanResult> {
  const validator = new ArchiveValidator(limits)
  const hash = createHash('sha256')
  const input = createReadStream(file)
  const gunzip = createGunzip()
  input.on('data', (chunk) => hash.update(chunk))
  input.on('error', (err) => gunzip.destroy(err))
  input.pipe(gunzip)
  // Metadata is bounded per entry and in total; this caps the work a decompression bomb can cause.
  const maxTarBytes = maxTarBytesFor(limits)
  let tarBytes = 0
  const counted = async function* (): AsyncGenerator<Buffer> {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      tarBytes += chunk.length
      if (tarBytes > maxTarBytes) throw new BackupError('invalid-input', `it decompresses to more than ${maxTarBytes} bytes`)
      yield chunk
    }
  }
  try {
    for await (const tar of readTar(counted())) {
      const accepted = await validator.accept(tar)
      if (onEntry !== undefined) await onEntry(accepted, tar)
      if (accepted.kind === 'entry') validator.release(accepted.entry)
    }
    validator.finish()
  } catch (err) {
    throw explain(err)
  } finally {
    input.destroy()
    gunzip.destroy()
  }
  return { validator, sha256: hash.digest('hex'), tarBytes }
}

/**
 * Decompressed bytes allowed: the data, the xattrs and names (each counted twice: PAX record and
 * header), and 3 KiB of headers and padding per entry, plus 16 MiB of slack. About 2.4 GB at
 * the default limits.
 */
export function maxTarBytesFor(limits: RestoreLimits): number {
  return limits.maxBytes + 2 * (limits.maxXattrBytes + limits.maxNameBytes) + limits.maxEntries * 3072 + (16 << 20)
}

/** zlib and tar errors in words a user can act on. */
function explain(err: unknown): unknown {
  if (err instanceof BackupError) return err
  if (err instanceof TarFormatError) return new BackupError('invalid-input', `it is not a valid tar archive: ${err.message}`)
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : ''
  const message = err instanceof Error ? err.message : String(err)
  if (code === 'Z_DATA_ERROR' && /header/.test(message)) return new BackupError('invalid-input', 'it is not gzip-compressed (is it a LayerDeck backup?)')
  if (code.startsWith('Z_') || code === 'ERR_ZLIB') return new BackupError('invalid-input', `its gzip data is corrupt (${message})`)
  if (/unexpected end of file/i.test(message)) return new BackupError('invalid-input', 'it is truncated (the gzip stream ends early)')
  if (code === 'ENOENT') return new BackupError('not-found', 'it does not exist')
  if (code === 'EISDIR') return new BackupError('invalid-input', 'it is a directory, not a backup file')
  return err
}
