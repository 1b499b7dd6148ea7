/**
 * Where a storage stands before a command touches it: served by a live layerdeck daemon (talk to
 * it over the control socket), mounted by the kernel (read-only for us: the kernel calls changes
 * under a live overlay undefined), or not mounted (work on it directly). Also finds the base and
 * the mount point, and turns command-line paths into overlay paths.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { isWithin, normalizeMergedPath } from '../engine/mergedPath.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import { storagePaths, type StoragePaths } from '../engine/storageFormat.ts'
import { openControl, request } from './client.ts'
import { mountRecordPath, type MountInfo } from './protocol.ts'

export type StorageMode = 'daemon' | 'kernel' | 'offline'

export interface KernelMount {
  mountpoint: string
  lowerdirs: string[]
}

export interface StorageTarget {
  paths: StoragePaths
  mode: StorageMode
  base: string | undefined
  mountpoint: string | undefined
}

const unescape = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))

/** The kernel overlay mount whose upperdir is this storage's upper/, if any. */
export function findKernelMount(
  paths: StoragePaths,
  mountinfo = readFileSync('/proc/self/mountinfo', 'utf8'),
): KernelMount | undefined {
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ')
    if (left === undefined || right === undefined) continue
    const [fstype, , superOptions = ''] = right.split(' ')
    if (fstype !== 'overlay') continue
    const options = superOptions.split(/(?<!\\),/).map(unescape)
    const upper = options.find((o) => o.startsWith('upperdir='))?.slice('upperdir='.length)
    if (upper === undefined || upper.replace(/\/+$/, '') !== paths.upper) continue
    const lower = options.find((o) => o.startsWith('lowerdir='))?.slice('lowerdir='.length) ?? ''
    return {
      mountpoint: unescape(left.split(' ')[4] ?? ''),
      lowerdirs: lower.split(/(?<!\\):/).filter(Boolean),
    }
  }
  return undefined
}

/** The last mount's record (base, mount point), kept in work/layerdeck/mount.json. */
export function readMountRecord(paths: StoragePaths): MountInfo | undefined {
  try {
    return JSON.parse(readFileSync(mountRecordPath(paths), 'utf8')) as MountInfo
  } catch {
    return undefined
  }
}

function realDir(label: 'storage' | 'base', dir: string): string {
  const hint = label === 'storage' ? 'check --storage: the folder that holds upper/ and work/' : 'check --base'
  if (!existsSync(dir))
    throw new OverlayError('ENOENT', label, dir, `${label} directory does not exist (${hint})`)
  if (!statSync(dir).isDirectory())
    throw new OverlayError('ENOTDIR', label, dir, `${label} is not a directory (${hint})`)
  return realpathSync(dir)
}

export async function locateStorage(storage: string, base?: string): Promise<StorageTarget> {
  const paths = storagePaths(realDir('storage', storage))
  const givenBase = base === undefined ? undefined : realDir('base', base)
  const kernel = findKernelMount(paths)
  if (kernel !== undefined) {
    const only = kernel.lowerdirs.length === 1 ? kernel.lowerdirs[0] : undefined
    return { paths, mode: 'kernel', base: givenBase ?? only, mountpoint: kernel.mountpoint }
  }
  const socket = await openControl(paths)
  if (socket !== undefined) {
    try {
      const info = (await request(socket, { op: 'info' })) as MountInfo
      if (givenBase !== undefined && givenBase !== info.base) {
        throw new OverlayError(
          'EINVAL',
          'base',
          givenBase,
          `the mount serving this storage uses the base ${info.base}`,
        )
      }
      return { paths, mode: 'daemon', base: info.base, mountpoint: info.mountpoint }
    } finally {
      socket.destroy()
    }
  }
  const record = readMountRecord(paths)
  if (record !== undefined && daemonSeemsAlive(record)) {
    throw new OverlayError(
      'EBUSY',
      'control',
      paths.root,
      `layerdeck (pid ${record.pid}) serves this storage at ${record.mountpoint} but its control socket does not answer: ` +
        'stop that mount first, nothing was changed',
    )
  }
  const lastBase = record !== undefined && existsSync(record.base) ? record.base : undefined
  return { paths, mode: 'offline', base: givenBase ?? lastBase, mountpoint: record?.mountpoint }
}

/** The last mount's process still runs and a FUSE filesystem is still mounted where it mounted. */
function daemonSeemsAlive(
  record: MountInfo,
  mountinfo = readFileSync('/proc/self/mountinfo', 'utf8'),
): boolean {
  try {
    process.kill(record.pid, 0)
  } catch {
    return false
  }
  return mountinfo.split('\n').some((line) => {
    const [left, right] = line.split(' - ')
    return (
      unescape(left?.split(' ')[4] ?? '') === record.mountpoint &&
      (right?.startsWith('fuse') ?? false)
    )
  })
}

/**
 * A command-line path as an overlay path: `/etc/hosts` as is, a path under the mount point
 * with the mount point taken off, a relative path only when it lands under the mount point.
 * `..` is refused everywhere.
 */
export function toOverlayPath(
  arg: string,
  mountpoint: string | undefined,
  cwd = process.cwd(),
): string {
  if (arg.split('/').includes('..'))
    throw new OverlayError('EINVAL', 'path', arg, "path must not contain '..'")
  if (!isAbsolute(arg)) {
    const absolute = resolve(cwd, arg)
    if (mountpoint === undefined || !isWithin(absolute, mountpoint)) {
      const where = mountpoint === undefined ? '' : ` (${mountpoint})`
      throw new OverlayError(
        'EINVAL',
        'path',
        arg,
        `relative path outside the mount point${where}: give the path inside the overlay, like /etc/hosts`,
      )
    }
    return normalizeMergedPath(absolute.slice(mountpoint.length), 'path')
  }
  const normal = normalizeMergedPath(arg, 'path')
  if (mountpoint !== undefined && mountpoint !== '/' && isWithin(normal, mountpoint)) {
    return normalizeMergedPath(normal.slice(mountpoint.length), 'path')
  }
  return normal
}

/** The base, or a clear error saying how to give it. */
export function requireBase(target: StorageTarget, command: string): string {
  if (target.base !== undefined) return target.base
  // A sentence for a person: the code is there for programs, not in the words.
  throw Object.assign(
    new Error(
      `${command} needs the base (the read-only factory tree) of ${target.paths.root}, and nothing tells it: ` +
        `no mount serves this storage and it was never mounted here; give --base DIR`,
    ),
    { code: 'EINVAL' },
  )
}

/** Changing a storage the kernel has mounted is refused (changes under a live overlay are undefined). */
export function refuseKernelMounted(target: StorageTarget, command: string): void {
  if (target.mode !== 'kernel') return
  throw new OverlayError(
    'EBUSY',
    command,
    target.paths.root,
    `the kernel has this storage mounted at ${target.mountpoint ?? '?'}; changing it under a live overlay mount is undefined. ` +
      `Unmount it first, or run the same command with --at-next-boot to apply it at the next 'layerdeck mount'`,
  )
}
