/**
 * A pull-based tar reader over a stream of (already decompressed) chunks. It yields one entry at
 * a time with its PAX records folded in; the caller may stream the entry's data with `body()`,
 * otherwise it is skipped. Metadata records are bounded so a hostile archive cannot make it
 * buffer without limit.
 */
import {
  applyPax,
  BLOCK,
  decodeHeader,
  decodePaxRecords,
  isZeroBlock,
  TarFormatError,
  TYPE,
  type PaxRecords,
  type TarHeader,
} from './tarHeader.ts'

/** Largest PAX or GNU long-name record accepted (xattr values are at most 64 KiB on Linux). */
export const MAX_METADATA_RECORD = 1 << 20
/** Extended headers allowed before one entry (PAX + GNU long name + long link is 3). */
const MAX_METADATA_RUN = 8
/** Zero padding accepted after the end-of-archive marker (tar pads to 10 KiB records). */
const MAX_TRAILER = 1 << 20

export interface TarEntry {
  header: TarHeader
  pax: PaxRecords
  /** The entry's data, in chunks; may be called once. */
  body(): AsyncGenerator<Buffer>
}

class ByteReader {
  readonly #chunks: AsyncIterator<Buffer>
  #buf: Buffer = Buffer.alloc(0)
  #done = false

  constructor(source: AsyncIterable<Buffer>) {
    this.#chunks = source[Symbol.asyncIterator]()
  }

  async #fill(): Promise<boolean> {
    if (this.#done) return false
    const next = await this.#chunks.next()
    if (next.done === true) {
      this.#done = true
      return false
    }
    this.#buf = this.#buf.length === 0 ? next.value : Buffer.concat([this.#buf, next.value])
    return true
  }

  /** Exactly n bytes, or undefined at a clean end (no bytes left); throws when truncated. */
  async exactly(n: number): Promise<Buffer | undefined> {
    while (this.#buf.length < n) {
      if (!(await this.#fill())) {
        if (this.#buf.length === 0) return undefined
        throw new TarFormatError('the archive is truncated')
      }
    }
    const out = this.#buf.subarray(0, n)
    this.#buf = this.#buf.subarray(n)
    return out
  }

  /** Up to n bytes as they arrive. */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n
    while (left > 0) {
      if (this.#buf.length === 0 && !(await this.#fill())) throw new TarFormatError('the archive is truncated')
      const out = this.#buf.subarray(0, Math.min(left, this.#buf.length))
      this.#buf = this.#buf.subarray(out.length)
      left -= out.length
      yield out
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.take(n)) {
      // discard
    }
  }

  /** Reads whatever is left and checks it is zero padding. */
  async expectTrailer(): Promise<void> {
    let total = this.#buf.length
    let chunk: Buffer | undefined = this.#buf
    while (chunk !== undefined) {
      if (!isZeroBlock(chunk)) throw new TarFormatError('unexpected data after the end of the archive')
      if (total > MAX_TRAILER) throw new TarFormatError('too much data after the end of the archive')
      this.#buf = Buffer.alloc(0)
      chunk = (await this.#fill()) ? this.#buf : undefined
      total += chunk?.length ?? 0
    }
  }
}

const blocksFor = (size: number): number => Math.ceil(size / BLOCK) * BLOCK

/** Yields the archive's entries; metadata-only records (PAX, GNU long names) are folded in. */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source)
  let pending: PaxRecords = new Map()
  let metadataRun = 0
  for (;;) {
    const block = await reader.exactly(BLOCK)
    if (block === undefined) throw new TarFormatError('the archive is truncated (no end-of-archive marker)')
    if (isZeroBlock(block)) {
      await reader.expectTrailer()
      if (pending.size > 0) throw new TarFormatError('the archive ends inside an entry')
      return
    }
    const header = decodeHeader(block)
    if (header.type === TYPE.pax || header.type === TYPE.paxGlobal || header.type === TYPE.gnuLongName || header.type === TYPE.gnuLongLink) {
      metadataRun += 1
      if (metadataRun > MAX_METADATA_RUN) throw new TarFormatError(`more than ${MAX_METADATA_RUN} extended headers in a row`)
      const records = await readMetadata(reader, header)
      if (header.type !== TYPE.paxGlobal) for (const [k, v] of records) pending.set(k, v)
      continue
    }
    const pax = pending
    pending = new Map()
    metadataRun = 0
    const full = applyPax(header, pax)
    const dataSize = hasData(full.type) ? full.size : 0
    let consumed = false
    const body = async function* (): AsyncGenerator<Buffer> {
      if (consumed) throw new Error('tar entry body read twice')
      consumed = true
      yield* reader.take(dataSize)
    }
    yield { header: full, pax, body }
    if (!consumed) await reader.skip(dataSize)
    await reader.skip(blocksFor(dataSize) - dataSize)
  }
}

/** Only regular files carry data; a hard link, symlink or directory's size field is ignored. */
function hasData(type: string): boolean {
  return type === TYPE.file || type === TYPE.oldFile || type === TYPE.contiguous
}

async function readMetadata(reader: ByteReader, header: TarHeader): Promise<PaxRecords> {
  if (header.size > MAX_METADATA_RECORD) {
    throw new TarFormatError(`an extended header of ${header.size} bytes is over the ${MAX_METADATA_RECORD}-byte limit`)
  }
  const padded = await reader.exactly(blocksFor(header.size))
  if (padded === undefined) throw new TarFormatError('the archive is truncated')
  const body = padded.subarray(0, header.size)
  if (header.type === TYPE.gnuLongName || header.type === TYPE.gnuLongLink) {
    const end = body.indexOf(0)
    const value = Buffer.from(body.subarray(0, end === -1 ? body.length : end))
    return new Map([[header.type === TYPE.gnuLongName ? 'path' : 'linkpath', value]])
  }
  return decodePaxRecords(body)
}
