/**
 * Overlay paths in the browser. Names are bytes: a byte that is not UTF-8 arrives as a lone
 * surrogate U+DC80..U+DCFF. encodeURIComponent throws on those, so URLs and query strings go
 * through encodeParam/decodeParam, which write such a byte as its own %XX escape.
 */

export const parentOf = (path: string): string => {
  if (path === '/') return '/'
  const cut = path.lastIndexOf('/')
  return cut <= 0 ? '/' : path.slice(0, cut)
}

export const nameOf = (path: string): string =>
  path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1)

export const joinPath = (dir: string, name: string): string =>
  dir === '/' ? `/${name}` : `${dir}/${name}`

/** '/', '/etc', '/etc/network' for '/etc/network' (the path itself included). */
export const ancestorsOf = (path: string): string[] => {
  const out = ['/']
  if (path === '/') return out
  let at = ''
  for (const part of path.split('/').slice(1)) {
    at += `/${part}`
    out.push(at)
  }
  return out
}

/** `path` is `root` or lies under it. */
export const isWithin = (path: string, root: string): boolean =>
  root === '/' || path === root || path.startsWith(`${root}/`)

const HEX = '0123456789ABCDEF'
const pct = (byte: number) => `%${HEX[byte >> 4]}${HEX[byte & 15]}`

export function encodeParam(value: string): string {
  let out = ''
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0
    if (code >= 0xdc80 && code <= 0xdcff) out += pct(code - 0xdc00)
    else if (code >= 0xd800 && code <= 0xdfff) out += '%EF%BF%BD'
    else out += encodeURIComponent(ch)
  }
  return out
}

/** Decodes %XX escapes as UTF-8, each byte that is not UTF-8 becoming a lone surrogate. */
export function decodeParam(value: string): string {
  const bytes: number[] = []
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i)
    if (ch === 0x25 && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16))
      i += 2
    } else if (ch === 0x2b) bytes.push(0x20)
    else for (const b of new TextEncoder().encode(value[i] ?? '')) bytes.push(b)
  }
  return surrogateDecode(Uint8Array.from(bytes))
}

/** UTF-8 bytes to a string, invalid bytes as U+DC80..U+DCFF (Python's surrogateescape). */
export function surrogateDecode(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i] as number
    const len =
      b < 0x80
        ? 1
        : b >= 0xc2 && b < 0xe0
          ? 2
          : b >= 0xe0 && b < 0xf0
            ? 3
            : b >= 0xf0 && b < 0xf5
              ? 4
              : 0
    const chunk = len ? bytes.subarray(i, i + len) : null
    const text = chunk && chunk.length === len ? strictUtf8(chunk) : null
    if (text === null) {
      out += String.fromCharCode(0xdc00 + b)
      i += 1
    } else {
      out += text
      i += len
    }
  }
  return out
}

const strict = new TextDecoder('utf-8', { fatal: true })
function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return strict.decode(bytes)
  } catch {
    return null
  }
}

/**
 * A name as a person should see it: control characters, bidi controls, backslash and raw
 * bytes escaped (\n, \u202e, \\, \xff), like the CLI's displayPath.
 */
export function displayName(name: string): string {
  let out = ''
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0
    if (code >= 0xdc80 && code <= 0xdcff)
      out += `\\x${(code - 0xdc00).toString(16).padStart(2, '0')}`
    else if (ch === '\\') out += '\\\\'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      code === 0x200e ||
      code === 0x200f
    )
      out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return out
}
