import { describe, expect, it } from 'vitest'
import { decodeName, displayPath, encodeName, hasRawBytes, isWellFormed } from './byteNames.ts'

const bytes = (...b: number[]): Buffer => Buffer.from(b)

describe('byte names (surrogateescape)', () => {
  it('reads valid UTF-8 as itself and round-trips it', () => {
    for (const name of ['hosts', 'café.txt', '日本語', 'emoji-😀', '']) {
      expect(decodeName(Buffer.from(name, 'utf8'))).toBe(name)
      expect(encodeName(name).equals(Buffer.from(name, 'utf8'))).toBe(true)
    }
  })

  it('keeps every invalid byte, so two such names never collapse into one', () => {
    const ff = decodeName(bytes(0x69, 0x6e, 0x76, 0xff))
    const fe = decodeName(bytes(0x69, 0x6e, 0x76, 0xfe))
    expect(ff).not.toBe(fe)
    expect(hasRawBytes(ff)).toBe(true)
    expect(encodeName(ff).equals(bytes(0x69, 0x6e, 0x76, 0xff))).toBe(true)
    const latin1 = bytes(0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74) // caf\xe9.txt
    expect(encodeName(decodeName(latin1)).equals(latin1)).toBe(true)
  })

  it('round-trips every byte sequence of length 1 and 2, overlongs and encoded surrogates', () => {
    for (let a = 0; a < 256; a++) {
      expect(encodeName(decodeName(bytes(a))).equals(bytes(a))).toBe(true)
      for (let b = 0x80; b < 256; b += 7) {
        expect(encodeName(decodeName(bytes(a, b))).equals(bytes(a, b))).toBe(true)
      }
    }
    for (const seq of [bytes(0xc0, 0xaf), bytes(0xed, 0xa0, 0x80), bytes(0xf4, 0x90, 0x80, 0x80), bytes(0xe2, 0x82)]) {
      const name = decodeName(seq)
      expect(hasRawBytes(name)).toBe(true)
      expect(encodeName(name).equals(seq)).toBe(true)
    }
  })

  it('survives JSON', () => {
    const name = decodeName(bytes(0x61, 0xff, 0x62))
    expect((JSON.parse(JSON.stringify({ name })) as { name: string }).name).toBe(name)
  })

  it('escapes what could forge or hide a line of output', () => {
    expect(displayPath('/etc/hosts')).toBe('/etc/hosts')
    expect(displayPath('/tmp/a\nmodified  /etc/shadow')).toBe('/tmp/a\\nmodified  /etc/shadow')
    expect(displayPath('/tmp/\u001b[2K\rok')).toBe('/tmp/\\x1b[2K\\rok')
    expect(displayPath('/tmp/back\\slash')).toBe('/tmp/back\\\\slash')
    expect(displayPath(decodeName(bytes(0x2f, 0x69, 0xff)))).toBe('/i\\xff')
    expect(displayPath('/tmp/\u202etxt.exe')).toBe('/tmp/\\u202etxt.exe')
    expect(displayPath('/tmp/café')).toBe('/tmp/café')
  })

  it('tells typed text from names holding raw bytes', () => {
    expect(isWellFormed('/etc/café')).toBe(true)
    expect(isWellFormed(decodeName(bytes(0xff)))).toBe(false)
    expect(isWellFormed('\ud83d')).toBe(false)
  })
})
