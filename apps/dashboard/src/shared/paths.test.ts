import { describe, expect, it } from 'vitest'
import { ancestorsOf, decodeParam, displayName, encodeParam, isWithin, parentOf } from './paths.ts'

describe('paths', () => {
  it('walks parents and ancestors', () => {
    expect(parentOf('/etc/network/interfaces')).toBe('/etc/network')
    expect(parentOf('/etc')).toBe('/')
    expect(ancestorsOf('/etc/network')).toEqual(['/', '/etc', '/etc/network'])
    expect(isWithin('/etc/network/x', '/etc/network')).toBe(true)
    expect(isWithin('/etc/networks', '/etc/network')).toBe(false)
  })

  it('carries a byte that is not UTF-8 through a URL as its own %XX', () => {
    const name = '/tmp/caf\u00e9-\udcff'
    expect(encodeParam(name)).toBe('%2Ftmp%2Fcaf%C3%A9-%FF')
    expect(decodeParam(encodeParam(name))).toBe(name)
    expect(decodeParam('a+b%2Fc')).toBe('a b/c')
  })

  it('shows control characters, bidi controls and raw bytes escaped', () => {
    expect(displayName('a\nb\u202ec\\d\udc80')).toBe('a\\nb\\u202ec\\\\d\\x80')
  })
})
