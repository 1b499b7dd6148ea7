import { describe, expect, it } from 'vitest'
import { parseTmpfsSize } from './size.ts'

describe('parseTmpfsSize', () => {
  it.each([
    ['64M', '64m'],
    ['1g', '1g'],
    ['4096', '4096'],
    [' 512k ', '512k'],
  ])('accepts %j as %j', (input, size) => expect(parseTmpfsSize(input, '--tmpfs')).toBe(size))

  it.each(['', '0', '64MB', '1.5G', '-1M', 'big', '50%'])(
    'rejects %j, saying the format',
    (input) => {
      expect(() => parseTmpfsSize(input, '--tmpfs')).toThrow(
        /--tmpfs takes a size in bytes with an optional K, M or G suffix \(e\.g\. 64M or 1G\)/,
      )
    },
  )
})
