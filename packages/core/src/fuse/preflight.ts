/**
 * Checks before mounting. Each failure is one line that says what is wrong and what to do;
 * nothing is created or changed until every check has passed.
 */
import { accessSync, constants, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { errorCode, hasCode } from '../engine/OverlayError.ts'
import { foreignNames, UPPER_DIR, WORK_DIR } from '../engine/storageFormat.ts'
import { MountError } from './MountError.ts'

export interface MountPaths {
  base: string
  storage: string
  mountpoint: string
}

function realDir(label: string, flag: string, path: string): string {
  let stat
  try {
    stat = statSync(path)
  } catch (err) {
    if (hasCode(err, 'ENOTCONN')) throw deadMount(path)
    if (hasCode(err, 'ENOENT', 'ENOTDIR')) throw new MountError(`${label} ${path} does not exist: create it or fix ${flag}`)
    throw new MountError(`${label} ${path} cannot be read (${errorCode(err) ?? String(err)}): check ${flag}`)
  }
  if (!stat.isDirectory()) throw new MountError(`${label} ${path} is not a directory: ${flag} needs a directory`)
  return realpathSync(path)
}

/**
 * A dead mount of this very storage (its daemon crashed) is ours to clean: an init system that
 * restarts the daemon must not need a person. Any other dead mount is left to the admin.
 */
function cleanOwnDeadMount(mountpoint: string, storage: string): void {
  try {
    statSync(mountpoint)
    return
  } catch (err) {
    if (!hasCode(err, 'ENOTCONN')) return
  }
  const absolute = mountpoint.startsWith('/') ? mountpoint : `${process.cwd()}/${mountpoint}`
  const ours = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => {
      const [left, right] = line.split(' - ')
      const [fstype, source] = (right ?? '').split(' ')
      return (
        unescapeMountPath(left?.split(' ')[4] ?? '') === absolute &&
        fstype === 'fuse.layerdeck' &&
        unescapeMountPath(source ?? '') === `layerdeck:${storage}`
      )
    })
  if (!ours) return
  execFileSync('umount', ['-l', absolute], { stdio: 'ignore' })
  process.stderr.write(`layerdeck: cleaned up a dead mount of this storage at ${absolute} (its daemon had died)\n`)
}

/** A mount whose daemon died: every access fails with ENOTCONN until it is unmounted. */
function deadMount(path: string): MountError {
  return new MountError(`${path} holds a dead mount (its daemon is gone): run fusermount -uz ${path} and mount again`)
}

const inside = (path: string, dir: string): boolean => dir === '/' || path === dir || path.startsWith(`${dir}/`)

/** Resolves and validates the three paths; returns their real paths. */
export function checkMountPaths(paths: MountPaths): MountPaths {
  const base = realDir('base', '--base', paths.base)
  const storage = realDir('storage', '--storage', paths.storage)
  cleanOwnDeadMount(paths.mountpoint, storage)
  const mountpoint = realDir('mount point', 'MOUNTPOINT', paths.mountpoint)
  if (inside(storage, base) || inside(base, storage)) {
    throw new MountError(`storage ${storage} and base ${base} overlap: put the storage on its own directory outside the base`)
  }
  if (inside(mountpoint, storage) || inside(storage, mountpoint)) {
    throw new MountError(`mount point ${mountpoint} and storage ${storage} overlap: mount somewhere outside the storage`)
  }
  if (inside(mountpoint, base)) {
    // The daemon reads the base by path: through a mount point inside it, it would read its own
    // mount (and hang); on the base itself it would see the merged tree instead of the base.
    throw new MountError(
      `mount point ${mountpoint} is ${mountpoint === base ? 'the base itself' : 'inside the base'}: bind the base elsewhere first (mount --bind ${base} /run/rom && mount --make-private /run/rom) and give that as --base`,
    )
  }
  if (isMountedOn(mountpoint)) {
    throw new MountError(`${mountpoint} is already a mount point: unmount it first (fusermount -u ${mountpoint}) or pick another`)
  }
  if (readdirSync(mountpoint).length > 0) {
    throw new MountError(`mount point ${mountpoint} is not empty: mount on an empty directory (its files would be hidden)`)
  }
  checkStorageLayout(storage)
  return { base, storage, mountpoint }
}

/**
 * upper/ and work/ must be real directories of the storage: nothing below the storage is ever
 * followed through a symlink (a user who could plant one would reach past the storage).
 */
function checkStorageFolders(storage: string): void {
  for (const name of [UPPER_DIR, WORK_DIR]) {
    const path = `${storage}/${name}`
    let stat
    try {
      stat = lstatSync(path)
    } catch {
      continue // made at mount
    }
    if (stat.isSymbolicLink()) {
      throw new MountError(
        `${path} is a symbolic link (to ${readlinkSync(path)}): give the folder that really holds upper/ and work/ as --storage`,
      )
    }
    if (!stat.isDirectory()) throw new MountError(`${path} is not a directory: this is not an overlayfs storage`)
  }
}

/** A storage is empty, or holds upper/ (and work/): anything else is probably the wrong folder. */
export function checkStorageLayout(storage: string): void {
  checkStorageFolders(storage)
  const names = readdirSync(storage)
  const strangers = foreignNames(names)
  if (strangers.length > 0 && !names.includes(UPPER_DIR)) {
    throw new MountError(
      `storage ${storage} is not empty and has no upper/ folder (found ${strangers.slice(0, 3).join(', ')}): give an empty directory or an overlayfs storage`,
    )
  }
}

export function checkFuseAvailable(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new MountError('mounting needs root (allow_other and default_permissions): run it with sudo or as root')
  }
  if (!existsSync('/dev/fuse')) {
    throw new MountError('/dev/fuse is missing: load the fuse kernel module (modprobe fuse) or run with --device /dev/fuse')
  }
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK)
  } catch {
    throw new MountError('/dev/fuse is not readable and writable: run as root')
  }
}

export function isMountedOn(path: string): boolean {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[4]
    if (field !== undefined && unescapeMountPath(field) === path) return true
  }
  return false
}

function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)))
}
