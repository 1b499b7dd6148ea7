/**
 * Renders the init script from validated options. Every value lands in the script single-quoted
 * and is checked against a conservative pattern first, so the script stays plain POSIX sh.
 */
import { parseTmpfsSize } from './size.ts'
import { OVERLAY_INIT_TEMPLATE } from './overlayInitTemplate.ts'

export interface OverlayInitOptions {
  storageDevice?: string
  storageFs: string
  tmpfsSize?: string
  deviceWait: number
  base: string
  layerdeck: string
  realInit: string
  newRoot: string
  mountWait: number
}

export const OVERLAY_INIT_DEFAULTS: OverlayInitOptions = {
  storageFs: 'ext4',
  deviceWait: 10,
  base: '/',
  layerdeck: '/usr/bin/layerdeck',
  realInit: '/sbin/init',
  newRoot: '/mnt',
  mountWait: 30,
}

const SAFE_PATH = /^\/[A-Za-z0-9._+:@/-]*$/

export function checkPath(value: string, flag: string): string {
  if (!SAFE_PATH.test(value)) {
    throw new Error(
      `${flag} needs an absolute path of letters, digits and ._+:@/- (got '${value}')`,
    )
  }
  return value
}

export function checkSeconds(value: string, flag: string): number {
  const n = Number(value)
  if (!/^[0-9]+$/.test(value) || n < 1 || n > 600) {
    throw new Error(`${flag} takes a whole number of seconds from 1 to 600 (got '${value}')`)
  }
  return n
}

export function checkFsType(value: string): string {
  if (!/^[a-z0-9]+$/.test(value))
    throw new Error(
      `--storage-fs takes a filesystem type such as ext4, f2fs or auto (got '${value}')`,
    )
  return value
}

/** Validates raw option values (strings from the command line) into OverlayInitOptions. */
export function overlayInitOptions(
  raw: Partial<Record<keyof OverlayInitOptions, string>>,
): OverlayInitOptions {
  const d = OVERLAY_INIT_DEFAULTS
  const options: OverlayInitOptions = {
    storageFs: checkFsType(raw.storageFs ?? d.storageFs),
    deviceWait:
      raw.deviceWait === undefined ? d.deviceWait : checkSeconds(raw.deviceWait, '--device-wait'),
    base: checkPath(raw.base ?? d.base, '--base'),
    layerdeck: checkPath(raw.layerdeck ?? d.layerdeck, '--layerdeck'),
    realInit: checkPath(raw.realInit ?? d.realInit, '--real-init'),
    newRoot: checkPath(raw.newRoot ?? d.newRoot, '--new-root'),
    mountWait:
      raw.mountWait === undefined ? d.mountWait : checkSeconds(raw.mountWait, '--mount-wait'),
  }
  if (raw.storageDevice !== undefined && raw.tmpfsSize !== undefined) {
    throw new Error(
      'give --storage-device or --tmpfs-size, not both (layerdeck.tmpfs= on the kernel command line switches at boot)',
    )
  }
  if (raw.storageDevice !== undefined)
    options.storageDevice = checkPath(raw.storageDevice, '--storage-device')
  if (raw.tmpfsSize !== undefined) options.tmpfsSize = parseTmpfsSize(raw.tmpfsSize, '--tmpfs-size')
  if (options.newRoot === '/' || options.newRoot.startsWith('/run/')) {
    throw new Error('--new-root must be an empty directory of the base outside /run, such as /mnt')
  }
  return options
}

export function renderOverlayInit(options: OverlayInitOptions): string {
  const q = (value: string | number | undefined): string => `'${value ?? ''}'`
  const config = [
    '# Defaults (generated). The kernel command line overrides the storage ones.',
    `storage_device=${q(options.storageDevice)}  # layerdeck.storage=`,
    `storage_fs=${q(options.storageFs)}  # layerdeck.fs=`,
    `tmpfs_size=${q(options.tmpfsSize)}  # layerdeck.tmpfs=`,
    `device_wait=${q(options.deviceWait)}  # layerdeck.wait=`,
    `base=${q(options.base)}  # the read-only base (normally the root filesystem)`,
    `layerdeck=${q(options.layerdeck)}  # the layerdeck command on the base`,
    `real_init=${q(options.realInit)}  # the init to run on the overlay`,
    `new_root=${q(options.newRoot)}  # where the overlay is mounted before the chroot`,
    `mount_wait=${q(options.mountWait)}  # seconds to wait for layerdeck mount`,
  ].join('\n')
  return OVERLAY_INIT_TEMPLATE.replace('@@CONFIG@@', config)
}
