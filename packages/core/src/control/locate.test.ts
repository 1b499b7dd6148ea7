import { describe, expect, it } from 'vitest'
import { storagePaths } from '../engine/storageFormat.ts'
import { findKernelMount, toOverlayPath } from './locate.ts'
import { socketPath } from './protocol.ts'

describe('toOverlayPath', () => {
  it('takes overlay paths as they are and strips the mount point', () => {
    expect(toOverlayPath('/etc/hosts', '/mnt/merged')).toBe('/etc/hosts')
    expect(toOverlayPath('/mnt/merged/etc/hosts', '/mnt/merged')).toBe('/etc/hosts')
    expect(toOverlayPath('/mnt/merged', '/mnt/merged')).toBe('/')
    expect(toOverlayPath('/mnt/mergedx/a', '/mnt/merged')).toBe('/mnt/mergedx/a')
  })

  it('resolves relative paths only when they land under the mount point', () => {
    expect(toOverlayPath('hosts', '/mnt/merged', '/mnt/merged/etc')).toBe('/etc/hosts')
    expect(toOverlayPath('merged/etc', '/mnt/merged', '/mnt')).toBe('/etc')
    expect(() => toOverlayPath('etc/hosts', '/mnt/merged', '/root')).toThrow(
      /relative path outside the mount point/,
    )
    expect(() => toOverlayPath('etc/hosts', undefined, '/')).toThrow(
      /relative path outside the mount point/,
    )
  })

  it('refuses .. and NUL anywhere', () => {
    expect(() => toOverlayPath('/mnt/merged/../etc', '/mnt/merged')).toThrow(
      /must not contain '\.\.'/,
    )
    expect(() => toOverlayPath('../x', '/mnt/merged', '/mnt/merged/etc')).toThrow(
      /must not contain '\.\.'/,
    )
    expect(() => toOverlayPath('/a\0b', undefined)).toThrow(/NUL/)
  })
})

describe('findKernelMount', () => {
  const info = [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '45 27 0:40 / /mnt/my\\040root rw,relatime - overlay overlay rw,lowerdir=/rom,upperdir=/overlay/upper,workdir=/overlay/work,uuid=on',
    '46 27 0:41 / /other rw - overlay overlay rw,lowerdir=/a:/b,upperdir=/data/upper,workdir=/data/work',
  ].join('\n')

  it('finds the overlay mount whose upperdir is the storage', () => {
    expect(findKernelMount(storagePaths('/overlay'), info)).toEqual({
      mountpoint: '/mnt/my root',
      lowerdirs: ['/rom'],
    })
    expect(findKernelMount(storagePaths('/data/'), info)).toEqual({
      mountpoint: '/other',
      lowerdirs: ['/a', '/b'],
    })
    expect(findKernelMount(storagePaths('/elsewhere'), info)).toBeUndefined()
  })
})

describe('socketPath', () => {
  it('lives in the storage, or in /run/layerdeck when the path is too long for a unix socket', () => {
    expect(socketPath(storagePaths('/overlay'))).toBe('/overlay/work/layerdeck/control.sock')
    const long = `/data/${'x'.repeat(120)}`
    expect(socketPath(storagePaths(long))).toMatch(/^\/run\/layerdeck\/[0-9a-f]{16}\.sock$/)
  })
})
