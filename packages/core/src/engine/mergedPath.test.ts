import { describe, expect, it } from 'vitest'
import { isWithin, joinPath, nameOf, normalizeMergedPath, parentOf } from './mergedPath.ts'

describe('mergedPath', () => {
  it('splits and joins', () => {
    expect(parentOf('/etc/hosts')).toBe('/etc')
    expect(parentOf('/etc')).toBe('/')
    expect(nameOf('/etc/hosts')).toBe('hosts')
    expect(joinPath('/', 'etc')).toBe('/etc')
    expect(joinPath('/etc', 'hosts')).toBe('/etc/hosts')
  })

  it('normalises and refuses escapes', () => {
    expect(normalizeMergedPath('etc//hosts/')).toBe('/etc/hosts')
    expect(normalizeMergedPath('/./etc/.')).toBe('/etc')
    expect(normalizeMergedPath('')).toBe('/')
    expect(() => normalizeMergedPath('/etc/../../x')).toThrow(/EINVAL: path must not contain '\.\.'/)
    expect(() => normalizeMergedPath('/a\0b')).toThrow(/NUL/)
  })

  it('knows containment', () => {
    expect(isWithin('/etc/hosts', '/etc')).toBe(true)
    expect(isWithin('/etcetera', '/etc')).toBe(false)
    expect(isWithin('/x', '/')).toBe(true)
  })
})
