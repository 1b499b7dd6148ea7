/**
 * POSIX tar headers (ustar + PAX extended records), both directions. Only what the backup
 * format needs, and strict on reading: a bad checksum, a non-octal number or an unknown entry
 * type is an error, never a guess.
 */
import { decodeName, encodeName } from '../engine/byteNames.ts'

export const BLOCK = 512

/** Entry types (typeflag) as in POSIX.1-2001, plus GNU's long-name records. */
export const TYPE = {
  file: '0',
  oldFile: '\0',
  hardlink: '1',
  symlink: '2',
  charDevice: '3',
  blockDevice: '4',
  dir: '5',
  fifo: '6',
  contiguous: '7',
  pax: 'x',
  paxGlobal: 'g',
  gnuLongName: 'L',
  gnuLongLink: 'K',
} as const

export interface TarHeader {
  path: string
  type: string
  mode: number
  uid: number
  gid: number
  size: number
  /** Seconds since the epoch, fractional when it came from a PAX record. */
  mtime: number
  linkpath: string
  devmajor: number
  devminor: number
}

/** A PAX extended header: keyword → raw value bytes (values such as xattrs may be binary). */
export type PaxRecords = Map<string, Buffer>

export class TarFormatError extends Error {
  override name = 'TarFormatError'
}

// ---------------------------------------------------------------------------------- writing

const LIMITS = { name: 100, linkname: 100, mode: 0o7777777, id: 0o7777777, size: 0o77777777777, mtime: 0o77777777777 }

/**
 * Encodes one entry: a PAX 'x' header first when anything does not fit ustar (long or non-ASCII
 * names, big numbers, fractional times) or when `extra` records are given, then the ustar header.
 */
export function encodeEntry(header: TarHeader, extra: Array<[string, Buffer]> = []): Buffer {
  const records: Array<[string, Buffer]> = []
  const ascii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s)
  // Names are bytes (engine/byteNames.ts): a name that is not UTF-8 goes as its bytes, which
  // GNU tar reads back byte for byte (it warns about POSIX's hdrcharset=BINARY, so none is set).
  const path = encodeName(header.path)
  const linkpath = encodeName(header.linkpath)
  if (path.length > LIMITS.name || !ascii(header.path)) records.push(['path', path])
  if (linkpath.length > LIMITS.linkname || !ascii(header.linkpath)) records.push(['linkpath', linkpath])
  if (header.uid > LIMITS.id) records.push(['uid', Buffer.from(String(header.uid))])
  if (header.gid > LIMITS.id) records.push(['gid', Buffer.from(String(header.gid))])
  if (header.size > LIMITS.size) records.push(['size', Buffer.from(String(header.size))])
  if (!Number.isInteger(header.mtime) || header.mtime > LIMITS.mtime || header.mtime < 0) {
    records.push(['mtime', Buffer.from(formatSeconds(header.mtime))])
  }
  records.push(...extra)
  const ustar = encodeUstar(header)
  if (records.length === 0) return ustar
  const body = encodePaxRecords(records)
  const paxHeader = encodeUstar({
    ...header,
    path: `PaxHeaders/${header.path.replace(/\/$/, '').split('/').pop() ?? ''}`.slice(0, LIMITS.name),
    type: TYPE.pax,
    size: body.length,
    linkpath: '',
    mode: 0o644,
  })
  return Buffer.concat([paxHeader, body, padding(body.length), ustar])
}

export function encodePaxRecords(records: Array<[string, Buffer]>): Buffer {
  const parts = records.map(([key, value]) => {
    // "LEN key=value\n", LEN counting its own digits.
    const rest = Buffer.byteLength(key) + value.length + 3
    let len = rest + String(rest).length
    if (String(len).length !== String(rest).length) len = rest + String(len).length
    return Buffer.concat([Buffer.from(`${len} ${key}=`), value, Buffer.from('\n')])
  })
  return Buffer.concat(parts)
}

/** Seconds with up to 9 decimals, no exponent. */
export function formatSeconds(seconds: number): string {
  const sign = seconds < 0 ? '-' : ''
  const abs = Math.abs(seconds)
  const whole = Math.floor(abs)
  const frac = Math.round((abs - whole) * 1e9)
  return frac === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(frac).padStart(9, '0').replace(/0+$/, '')}`
}

function encodeUstar(h: TarHeader): Buffer {
  const buf = Buffer.alloc(BLOCK)
  writeString(buf, 0, 100, truncateUtf8(h.path, LIMITS.name))
  writeOctal(buf, 100, 8, Math.min(h.mode & 0o7777777, LIMITS.mode))
  writeOctal(buf, 108, 8, Math.min(h.uid, LIMITS.id))
  writeOctal(buf, 116, 8, Math.min(h.gid, LIMITS.id))
  writeOctal(buf, 124, 12, Math.min(h.size, LIMITS.size))
  writeOctal(buf, 136, 12, Math.min(Math.max(Math.floor(h.mtime), 0), LIMITS.mtime))
  buf.write(h.type, 156, 1, 'latin1')
  writeString(buf, 157, 100, truncateUtf8(h.linkpath, LIMITS.linkname))
  buf.write('ustar\u000000', 257, 8, 'latin1')
  writeOctal(buf, 329, 8, h.devmajor)
  writeOctal(buf, 337, 8, h.devminor)
  buf.fill(0x20, 148, 156)
  writeOctal(buf, 148, 7, checksum(buf))
  buf[155] = 0x20
  return buf
}

function truncateUtf8(s: string, max: number): string {
  // Only a fallback for the header field: the PAX record carries the full name.
  return Buffer.from(s).subarray(0, max).toString('latin1').replace(/[^\x20-\x7e]/g, '_')
}

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  buf.write(value, offset, length, 'latin1')
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  buf.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1')
}

export function padding(size: number): Buffer {
  const rest = size % BLOCK
  return rest === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rest)
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2)

// ---------------------------------------------------------------------------------- reading

function checksum(block: Buffer): number {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number)
  return sum
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false
  return true
}

function readString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length)
  const end = field.indexOf(0)
  return decodeName(field.subarray(0, end === -1 ? length : end))
}

function readOctal(block: Buffer, offset: number, length: number, field: string): number {
  const text = block.subarray(offset, offset + length).toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '')
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`corrupt tar header: ${field} is not an octal number`)
  return parseInt(text, 8)
}

/** Parses a ustar (or GNU "ustar  ") header block; throws on a bad checksum or magic. */
export function decodeHeader(block: Buffer): TarHeader {
  const magic = block.subarray(257, 263).toString('latin1')
  if (magic !== 'ustar\0' && magic !== 'ustar ') throw new TarFormatError('not a tar archive (no ustar header)')
  const stored = readOctal(block, 148, 8, 'checksum')
  if (stored !== checksum(block)) throw new TarFormatError('corrupt tar header: checksum mismatch')
  const name = readString(block, 0, 100)
  const prefix = magic === 'ustar\0' ? readString(block, 345, 155) : ''
  return {
    path: prefix === '' ? name : `${prefix}/${name}`,
    type: String.fromCharCode(block[156] as number),
    mode: readOctal(block, 100, 8, 'mode'),
    uid: readOctal(block, 108, 8, 'uid'),
    gid: readOctal(block, 116, 8, 'gid'),
    size: readOctal(block, 124, 12, 'size'),
    mtime: readOctal(block, 136, 12, 'mtime'),
    linkpath: readString(block, 157, 100),
    devmajor: readOctal(block, 329, 8, 'devmajor'),
    devminor: readOctal(block, 337, 8, 'devminor'),
  }
}

/** Parses PAX records ("LEN key=value\n"); values stay raw bytes. */
export function decodePaxRecords(body: Buffer): PaxRecords {
  const records: PaxRecords = new Map()
  let pos = 0
  while (pos < body.length) {
    if (body[pos] === 0) break
    const space = body.indexOf(0x20, pos)
    const lenText = space === -1 ? '' : body.subarray(pos, space).toString('latin1')
    if (!/^[0-9]{1,8}$/.test(lenText)) throw new TarFormatError('corrupt PAX header: bad record length')
    const len = parseInt(lenText, 10)
    const end = pos + len
    if (end > body.length || len <= lenText.length + 1 || body[end - 1] !== 0x0a) {
      throw new TarFormatError('corrupt PAX header: record overruns its header')
    }
    const record = body.subarray(space + 1, end - 1)
    const eq = record.indexOf(0x3d)
    if (eq <= 0) throw new TarFormatError('corrupt PAX header: record without a keyword')
    records.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)))
    pos = end
  }
  return records
}

/** Applies the standard PAX keywords (path, linkpath, size, uid, gid, mtime) to a header. */
export function applyPax(header: TarHeader, pax: PaxRecords): TarHeader {
  const out = { ...header }
  const text = (key: string): string | undefined => pax.get(key)?.toString('utf8')
  const int = (key: string): number | undefined => {
    const v = text(key)
    if (v === undefined) return undefined
    if (!/^[0-9]{1,16}$/.test(v)) throw new TarFormatError(`corrupt PAX header: ${key} is not a number`)
    return Number(v)
  }
  const name = (key: string): string | undefined => {
    const v = pax.get(key)
    return v === undefined ? undefined : decodeName(v)
  }
  out.path = name('path') ?? out.path
  out.linkpath = name('linkpath') ?? out.linkpath
  out.size = int('size') ?? out.size
  out.uid = int('uid') ?? out.uid
  out.gid = int('gid') ?? out.gid
  const mtime = text('mtime')
  if (mtime !== undefined) {
    if (!/^-?[0-9]{1,16}(\.[0-9]{1,9})?$/.test(mtime)) throw new TarFormatError('corrupt PAX header: mtime is not a time')
    out.mtime = Number(mtime)
  }
  return out
}
