/**
 * File names are bytes; JavaScript strings are UTF-16. Every name and path in LayerDeck is a
 * string in which valid UTF-8 reads as itself and each byte that is not part of valid UTF-8 is
 * kept as a lone surrogate U+DC80..U+DCFF (Python's "surrogateescape", PEP 383). So the
 * everyday name is an everyday string, `inv\xff` and `inv\xfe` stay two names, and the bytes
 * come back exactly when the string is encoded for a system call. JSON.stringify writes a lone
 * surrogate as "\udcff", so --json output and the control socket carry such names exactly.
 *
 * Conversion happens only at the edges: the system calls (sys/) and the FUSE binding (fuse/).
 * Text meant for a terminal goes through displayPath, which escapes control characters (a name
 * must not forge a line of output) and raw bytes as \xHH.
 */

/** Does the string hold a raw (non-UTF-8) byte, or any other unpaired surrogate? */
const SURROGATE = /[\ud800-\udfff]/
const RAW_BYTE = /[\udc80-\udcff]/

const fatal = new TextDecoder('utf-8', { fatal: true })

/** The bytes of a name or path (the inverse of decodeName). */
export function encodeName(name: string): Buffer {
  if (!SURROGATE.test(name)) return Buffer.from(name, 'utf8')
  const out: number[] = []
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c >= 0xdc80 && c <= 0xdcff) {
      out.push(c - 0xdc00)
      continue
    }
    const cp = name.codePointAt(i) ?? c
    if (cp > 0xffff) i += 1
    for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(b)
  }
  return Buffer.from(out)
}

/** A name or path from its bytes: UTF-8 where valid, a U+DC80+byte surrogate for each other byte. */
export function decodeName(bytes: Uint8Array): string {
  let ascii = true
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) {
      ascii = false
      break
    }
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')
  try {
    return fatal.decode(bytes)
  } catch {
    return decodeSlow(bytes)
  }
}

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there is not one. */
function sequenceAt(b: Uint8Array, i: number): number {
  const b0 = b[i] as number
  const cont = (k: number): boolean => i + k < b.length && ((b[i + k] as number) & 0xc0) === 0x80
  if (b0 < 0x80) return 1
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (!cont(1) || !cont(2)) return 0
    const b1 = b[i + 1] as number
    if (b0 === 0xe0 && b1 < 0xa0) return 0 // overlong
    if (b0 === 0xed && b1 >= 0xa0) return 0 // a surrogate written as UTF-8
    return 3
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0
    const b1 = b[i + 1] as number
    if (b0 === 0xf0 && b1 < 0x90) return 0 // overlong
    if (b0 === 0xf4 && b1 >= 0x90) return 0 // beyond U+10FFFF
    return 4
  }
  return 0
}

function decodeSlow(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceAt(bytes, i)
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + (bytes[i] as number))
      i += 1
    } else {
      out += Buffer.from(bytes.subarray(i, i + n)).toString('utf8')
      i += n
    }
  }
  return out
}

/** Does the name hold bytes that are not UTF-8? */
export function hasRawBytes(name: string): boolean {
  return RAW_BYTE.test(name)
}

/** Is the string one a user may type (valid Unicode, no raw bytes, no lone surrogates)? */
export function isWellFormed(text: string): boolean {
  return !SURROGATE.test(text) || Buffer.from(text, 'utf8').toString('utf8') === text
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' }
// C0 controls, DEL, C1 controls, backslash, raw bytes, line/paragraph separators, bidi controls.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\\\udc80-\udcff\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * A name or path as a terminal should show it: control characters, bidirectional overrides,
 * backslashes and raw bytes escaped (\n, \t, \\, \xHH, \u202e), so no name can forge or hide a
 * line of output. Everything else is shown as itself.
 */
export function displayPath(path: string): string {
  return path.replace(UNSAFE, (ch) => {
    const named = NAMED[ch]
    if (named !== undefined) return named
    const c = ch.charCodeAt(0)
    if (c >= 0xdc80 && c <= 0xdcff) return `\\x${(c - 0xdc00).toString(16).padStart(2, '0')}`
    if (c <= 0xff) return `\\x${c.toString(16).padStart(2, '0')}`
    return `\\u${c.toString(16).padStart(4, '0')}`
  })
}
