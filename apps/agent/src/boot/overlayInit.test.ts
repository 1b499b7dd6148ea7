import { describe, expect, it } from 'vitest'
import { overlayInitOptions, renderOverlayInit } from './overlayInit.ts'

describe('overlayInitOptions', () => {
  it('fills the defaults', () => {
    expect(overlayInitOptions({ storageDevice: '/dev/mmcblk0p3' })).toEqual({
      storageDevice: '/dev/mmcblk0p3',
      storageFs: 'ext4',
      deviceWait: 10,
      base: '/',
      layerdeck: '/usr/bin/layerdeck',
      realInit: '/sbin/init',
      newRoot: '/mnt',
      mountWait: 30,
    })
  })

  it.each([
    [{ storageDevice: "/dev/x'; reboot" }, /--storage-device needs an absolute path/],
    [{ realInit: 'sbin/init' }, /--real-init needs an absolute path/],
    [{ tmpfsSize: 'lots' }, /--tmpfs-size takes a size/],
    [{ storageDevice: '/dev/sda1', tmpfsSize: '64M' }, /not both/],
    [{ mountWait: '0' }, /--mount-wait takes a whole number of seconds from 1 to 600/],
    [{ storageFs: 'ext4 -o x' }, /--storage-fs takes a filesystem type/],
    [{ newRoot: '/run/root' }, /--new-root must be an empty directory of the base outside \/run/],
  ])('refuses %j', (raw, message) => expect(() => overlayInitOptions(raw)).toThrow(message))
})

describe('renderOverlayInit', () => {
  it('puts every value single-quoted into the configuration block', () => {
    const script = renderOverlayInit(
      overlayInitOptions({ tmpfsSize: '64M', realInit: '/sbin/procd' }),
    )
    expect(script.startsWith('#!/bin/sh\n')).toBe(true)
    expect(script).toContain("\nstorage_device=''  # layerdeck.storage=\n")
    expect(script).toContain("\ntmpfs_size='64m'  # layerdeck.tmpfs=\n")
    expect(script).toContain("\nreal_init='/sbin/procd'  # the init to run on the overlay\n")
    expect(script).not.toContain('@@')
    expect(script).toContain('storage_device=${arg#*=} tmpfs_size= ;;')
  })
})
