import { describe, expect, it } from 'vitest'
import { filesystemOf, parseOsRelease } from './device.ts'

describe('device facts', () => {
  it('reads os-release values, quoted or not', () => {
    const v = parseOsRelease('NAME="Plant OS"\nPRETTY_NAME="Plant OS 2026.11 \\"gw\\""\nVERSION_ID=2026.11\n# comment\nBUILD_ID=\'b42\'\n')
    expect(v).toEqual({ NAME: 'Plant OS', PRETTY_NAME: 'Plant OS 2026.11 "gw"', VERSION_ID: '2026.11', BUILD_ID: 'b42' })
  })

  it('finds the filesystem of the deepest mount above a path', () => {
    const info = [
      '22 1 8:1 / / rw - ext4 /dev/sda1 rw',
      '30 22 0:40 / /overlay rw - tmpfs tmpfs rw',
      '31 30 0:41 / /overlay/deep rw - ubifs ubi0 rw',
    ].join('\n')
    expect(filesystemOf('/overlay/storage/upper', info)).toBe('tmpfs')
    expect(filesystemOf('/overlay/deep/x', info)).toBe('ubifs')
    expect(filesystemOf('/var/x', info)).toBe('ext4')
    expect(filesystemOf('/overlayfoo', info)).toBe('ext4')
  })
})
