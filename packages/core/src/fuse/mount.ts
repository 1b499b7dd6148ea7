/**
 * Serves an Overlay at a mount point through fuse-native. The binding stays behind this module
 * (and fuseOps.ts), so it can be replaced if it ever becomes the limit.
 */
import type { ChangeListener } from '../engine/events.ts'
import { hasCode } from '../engine/OverlayError.ts'
import { Overlay } from '../engine/Overlay.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { createNodeSys } from '../sys/nodeSys.ts'
import { startControlServer, type ControlServer } from '../control/server.ts'
import { recoverRestores } from '../backup/restoreSwap.ts'
import { prepareForMount } from '../undo/pending.ts'
import { createFuseOps } from './fuseOps.ts'
import { loadCallerLookup, loadFuse, MountError } from './loadFuse.ts'
import { checkFuseAvailable, checkMountPaths, type MountPaths } from './preflight.ts'

export interface MountOptions extends MountPaths {
  sys?: Sys
  onChange?: ChangeListener
  /** Where unexpected (non-errno) engine failures are reported. */
  log?: (err: unknown) => void
}

export interface MountedOverlay {
  overlay: Overlay
  paths: MountPaths
  unmount(): Promise<void>
}

/**
 * Mount options: allow_other + default_permissions serve every user of the device with normal
 * permission checks; auto_cache keeps re-reads in the page cache and drops them when a file's
 * size or mtime changed (after a revert or reset). use_ino, big_writes and atomic_o_trunc are
 * libfuse options fuse-native does not expose; they travel in the fsname option string. So do
 * dev and suid: a FUSE mount is nodev,nosuid unless asked, and a root filesystem (or any base
 * with device nodes or set-user-ID programs) must work as on the base, as kernel overlayfs does.
 */
const FS_OPTIONS = 'use_ino,big_writes,atomic_o_trunc,dev,suid'

/** The mount's source in /proc/mounts names the storage: "layerdeck:/overlay" (commas escaped). */
function fsname(storage: string): string {
  return `layerdeck:${storage.replace(/[\\,]/g, '\\$&')},${FS_OPTIONS}`
}

export async function mountOverlay(options: MountOptions): Promise<MountedOverlay> {
  checkFuseAvailable()
  const paths = checkMountPaths(options)
  const Fuse = loadFuse()
  const sys = options.sys ?? createNodeSys()
  // Finish an interrupted restore or reset, apply actions recorded with --at-next-boot.
  const storage = storagePaths(paths.storage)
  for (const line of [...recoverRestores(sys, storage), ...prepareForMount(sys, storage, paths.base)]) {
    process.stderr.write(`layerdeck: ${line}\n`)
  }
  prepareStorage(sys, paths.storage)
  // The kernel has applied the caller's umask to every mode it sends.
  process.umask(0)
  const caller = loadCallerLookup()
  if (caller === undefined) {
    console.error('layerdeck: warning: fuse-native lacks caller support, so files non-root users create are owned by root: run scripts/build-fuse-native.sh')
  }
  const overlayOptions = { sys, base: paths.base, storage: paths.storage, caller: caller ?? (() => undefined) }
  const overlay = new Overlay(options.onChange ? { ...overlayOptions, onChange: options.onChange } : overlayOptions)
  const log = options.log ?? ((err: unknown) => console.error('layerdeck: unexpected error:', err))
  const fuse = new Fuse(paths.mountpoint, createFuseOps(overlay, log), {
    timeout: false,
    allowOther: true,
    defaultPermissions: true,
    autoCache: true,
    fsname: fsname(paths.storage),
    subtype: 'layerdeck',
  })
  await new Promise<void>((resolve, reject) => {
    fuse.mount((err) => (err ? reject(new MountError(`cannot mount ${paths.mountpoint}: ${err.message}`)) : resolve()))
  })
  const control = await startControl(overlay, paths, log, options.onChange, fuse)
  let unmounted: Promise<void> | undefined
  const unmount = (): Promise<void> =>
    (unmounted ??= new Promise<void>((resolve, reject) => {
      void control.close()
      fuse.unmount((err) => {
        overlay.close()
        if (err) reject(new MountError(`cannot unmount ${paths.mountpoint}: ${err.message}`))
        else resolve()
      })
    }))
  return { overlay, paths, unmount }
}

/** The control socket (control/server.ts): live status, revert, reset and change events. */
async function startControl(
  overlay: Overlay,
  paths: MountPaths,
  log: (err: unknown) => void,
  onChange: ChangeListener | undefined,
  fuse: { unmount(cb: (err: Error | null) => void): void },
): Promise<ControlServer> {
  const info = { base: paths.base, storage: paths.storage, mountpoint: paths.mountpoint, pid: process.pid, since: Date.now() }
  try {
    const control = await startControlServer(overlay, info, log)
    overlay.onChange = (event) => {
      onChange?.(event)
      control.publish(event)
    }
    return control
  } catch (err) {
    await new Promise<void>((resolve) => fuse.unmount(() => resolve()))
    throw err
  }
}

/** Creates upper/ and work/ when missing and checks the filesystem can hold the format. */
function prepareStorage(sys: Sys, storage: string): void {
  const p = storagePaths(storage)
  for (const dir of [p.upper, p.work]) {
    try {
      sys.mkdir(dir, dir === p.upper ? 0o755 : 0o700)
    } catch (err) {
      if (!hasCode(err, 'EEXIST')) throw err
    }
  }
  try {
    sys.setXattr(p.work, 'trusted.layerdeck.probe', Buffer.from('y'))
    sys.removeXattr(p.work, 'trusted.layerdeck.probe')
  } catch (err) {
    if (hasCode(err, 'ENOSPC', 'EDQUOT')) {
      throw new MountError(`storage ${storage} is full: free space there (or run layerdeck reset --purge) and mount again`)
    }
    throw new MountError(
      `storage ${storage} cannot hold trusted.* extended attributes: put it on ext4, f2fs, ubifs, btrfs, xfs or tmpfs`,
    )
  }
}
