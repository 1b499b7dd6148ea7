/**
 * Serves an Overlay at a mount point through LayerDeck's libfuse3 binding (binding.ts). The
 * mount ends when we unmount it, when someone else does (fusermount -u, umount), or when it
 * leaves the mount table while files are still open (umount -l): `ended` says which, and the
 * daemon exits. Nothing is half-written at any of these points: every change the engine makes
 * is staged and renamed, exactly as for a crash.
 */
import type { ChangeListener } from '../engine/events.ts'
import { hasCode } from '../engine/OverlayError.ts'
import { Overlay } from '../engine/Overlay.ts'
import { storagePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { createSys } from '../sys/nativeSys.ts'
import { startControlServer, type ControlServer } from '../control/server.ts'
import { takeDaemonLock } from '../control/daemonLock.ts'
import { recoverRestores } from '../backup/restoreSwap.ts'
import { prepareForMount } from '../undo/pending.ts'
import { IO, loadBinding, type Session } from './binding.ts'
import { kernelCache, type KernelCache } from './kernelCache.ts'
import { createLowLevelOps } from './lowlevelOps.ts'
import { MountError } from './MountError.ts'
import { NodeTable } from './nodes.ts'
import { checkFuseAvailable, checkMountPaths, type MountPaths } from './preflight.ts'

export interface MountOptions extends MountPaths {
  sys?: Sys
  onChange?: ChangeListener
  /** Where unexpected (non-errno) engine failures are reported. */
  log?: (err: unknown) => void
  /** The base to record for later commands, when the one served is a private view of it (run). */
  recordedBase?: string
}

/** How a mount ended: unmounted by us, by someone else, or gone from the mount table while busy. */
export type MountEnd = 'unmounted' | 'external' | 'gone'

export interface MountedOverlay {
  overlay: Overlay
  paths: MountPaths
  kernel: KernelCache
  /** Resolves once the mount is gone, whoever ended it. */
  ended: Promise<MountEnd>
  unmount(): Promise<void>
}

/**
 * allow_other + default_permissions serve every user of the device with the kernel's own
 * permission checks; dev and suid make device nodes and set-user-ID programs work as on the base
 * (a FUSE mount is nodev,nosuid unless asked), as kernel overlayfs does.
 */
function mountOptions(storage: string): string {
  const fsname = `layerdeck:${storage}`.replace(/[\\,]/g, '\\$&')
  return `allow_other,default_permissions,dev,suid,fsname=${fsname},subtype=layerdeck`
}

/** What serves the mount, for `info` (the agent's device page shows it). */
const ENGINE = 'LayerDeck engine on libfuse3 (low-level API)'
const THREADS = Number(process.env.LAYERDECK_FUSE_THREADS ?? 2)
const MAX_WRITE = 1 << 20
/** A lazily unmounted tree keeps being served this long for its open files, then is abandoned. */
const LINGER_MS = 2000

export async function mountOverlay(options: MountOptions): Promise<MountedOverlay> {
  checkFuseAvailable()
  const paths = checkMountPaths(options)
  const binding = loadBinding()
  const sys = options.sys ?? createSys()
  // Finish an interrupted restore or reset, apply actions recorded with --at-next-boot.
  const storage = storagePaths(paths.storage)
  const noteFull = fullStorageNote()
  for (const line of bookkeeping(noteFull, 'the actions waiting for this mount', () => [
    ...recoverRestores(sys, storage),
    ...prepareForMount(sys, storage, paths.base),
  ])) {
    process.stderr.write(`layerdeck: ${line}\n`)
  }
  prepareStorage(sys, paths.storage, noteFull)
  // Held for the daemon's life (the descriptor is never closed); [] when a full storage refused it.
  const lock = bookkeeping(noteFull, 'the daemon lock', () => [takeDaemonLock(sys, storage)])
  if (lock.length === 1 && lock[0] === undefined) {
    throw new MountError(`another layerdeck daemon already serves ${paths.storage} (it holds its lock): stop that mount first`)
  }
  // The kernel has applied the caller's umask to every mode it sends.
  process.umask(0)
  const fileLimit = sys.raiseFileLimit()
  const io = new Float64Array(IO.size)
  let serving = false
  const caller = (): { uid: number; gid: number; pid: number } | undefined =>
    serving ? { uid: io[IO.uid] as number, gid: io[IO.gid] as number, pid: io[IO.pid] as number } : undefined
  const overlay = new Overlay({
    sys,
    base: paths.base,
    storage: paths.storage,
    caller,
    perUserHandles: perUserHandles(fileLimit),
    ...(options.onChange ? { onChange: options.onChange } : {}),
  })
  const log = options.log ?? ((err: unknown) => console.error('layerdeck: unexpected error:', err))
  const nodes = new NodeTable()
  let session: Session | undefined
  let endReason: MountEnd = 'external'
  let settle: (reason: MountEnd) => void = () => undefined
  const ended = new Promise<MountEnd>((resolve) => (settle = resolve))
  const ops = createLowLevelOps({
    overlay,
    nodes,
    io,
    log,
    ended: () => {
      if (session !== undefined) binding.fuseDestroy(session)
      session = undefined
      overlay.close()
      settle(endReason)
    },
    gone: () => {
      // Unmounted with nothing open, the kernel ends the connection itself a moment later;
      // still served after that, the tree was detached lazily with files open: abandon it.
      setTimeout(() => {
        if (session === undefined) return
        if (endReason !== 'unmounted') endReason = 'gone'
        binding.fuseAbort(session)
      }, 300).unref()
    },
  })
  const served = serveAs(ops, (on) => (serving = on))
  try {
    session = binding.fuseMount(paths.mountpoint, mountOptions(paths.storage), served, io, THREADS, MAX_WRITE)
  } catch (err) {
    throw new MountError(`cannot mount ${paths.mountpoint}: ${err instanceof Error ? err.message : String(err)}`)
  }
  const kernel = kernelCache(() => session, nodes)
  let control: ControlServer
  try {
    control = await startControl(overlay, paths, log, options.onChange, kernel, noteFull, options.recordedBase)
  } catch (err) {
    if (session !== undefined) binding.fuseUnmount(session)
    const timer = setTimeout(() => session !== undefined && binding.fuseAbort(session), LINGER_MS)
    await ended
    clearTimeout(timer)
    throw err
  }
  void ended.then(() => control.close())
  let unmounting: Promise<void> | undefined
  const unmount = (): Promise<void> =>
    (unmounting ??= (async () => {
      endReason = 'unmounted'
      await control.close()
      if (session === undefined) return
      binding.fuseUnmount(session)
      // Busy (files open): the tree was detached lazily; give its open files a moment, then stop.
      const timer = setTimeout(() => session !== undefined && binding.fuseAbort(session), LINGER_MS)
      await ended
      clearTimeout(timer)
    })())
  return { overlay, paths, kernel, ended, unmount }
}

/**
 * Root keeps a reserve of descriptors no user can take: a user holding thousands of files must
 * not make every later open fail for everyone (a device booted on the overlay could run nothing).
 */
export function perUserHandles(limit: number): number {
  const reserve = Math.max(128, Math.floor(limit / 8))
  return Math.max(16, Math.floor((limit - reserve) / 2))
}

/** Marks the span of each operation, so the engine knows a FUSE request (and its caller) is served. */
function serveAs<T extends object>(ops: T, mark: (on: boolean) => void): T {
  const wrapped: Record<string, unknown> = {}
  for (const [name, fn] of Object.entries(ops) as Array<[string, (...args: unknown[]) => unknown]>) {
    wrapped[name] = (...args: unknown[]): unknown => {
      mark(true)
      try {
        return fn(...args)
      } finally {
        mark(false)
      }
    }
  }
  return wrapped as T
}

/** The control socket (control/server.ts): live status, revert, reset and change events. */
async function startControl(
  overlay: Overlay,
  paths: MountPaths,
  log: (err: unknown) => void,
  onChange: ChangeListener | undefined,
  kernel: KernelCache,
  noteFull: (what: string) => void,
  recordedBase: string | undefined,
): Promise<ControlServer> {
  const info = {
    base: paths.base,
    storage: paths.storage,
    mountpoint: paths.mountpoint,
    pid: process.pid,
    since: Date.now(),
    engine: ENGINE,
  }
  const control = await startControlServer(overlay, info, log, kernel, noteFull, recordedBase)
  overlay.onChange = (event) => {
    onChange?.(event)
    control.publish(event)
  }
  return control
}

/** Says once that the storage is full: the mount comes up anyway and serves what it holds. */
function fullStorageNote(): (what: string) => void {
  let said = false
  return (what) => {
    if (said) return
    said = true
    process.stderr.write(
      `layerdeck: storage is full: ${what} could not be written; every change is served, writes fail with ENOSPC until space is freed (delete files, or layerdeck reset --purge)\n`,
    )
  }
}

/** Runs bookkeeping that a full storage may refuse; the mount goes on without it. */
function bookkeeping<T>(noteFull: (what: string) => void, what: string, fn: () => T[]): T[] {
  try {
    return fn()
  } catch (err) {
    if (!hasCode(err, 'ENOSPC', 'EDQUOT')) throw err
    noteFull(what)
    return []
  }
}

/**
 * No other user may reach the storage: whoever can write in it could plant symlinks or hard
 * links there, read changed secrets, or swap files under the daemon. The folder the admin gave
 * is made 0700 and root's (upper/ keeps its mode: it is the merged tree's root directory).
 */
function tightenStorage(sys: Sys, storage: string): void {
  const stat = sys.lstat(storage)
  if (stat === undefined) return
  if ((stat.mode & 0o077) !== 0) sys.chmod(storage, stat.mode & 0o7700)
  if (stat.uid === 0) return
  // Owned by a user, who could chmod it back: say so, the admin made a storage for someone.
  sys.lchown(storage, 0, stat.gid)
  process.stderr.write(`layerdeck: the storage ${storage} belonged to uid ${stat.uid}, who could reach past it: it is root's now\n`)
}

/** Creates upper/ and work/ when missing and checks the filesystem can hold the format. */
function prepareStorage(sys: Sys, storage: string, noteFull: (what: string) => void): void {
  const p = storagePaths(storage)
  tightenStorage(sys, storage)
  for (const dir of [p.upper, p.work, p.staging]) {
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
      noteFull('a test attribute')
      return
    }
    throw new MountError(
      `storage ${storage} cannot hold trusted.* extended attributes: put it on ext4, f2fs, ubifs, btrfs, xfs or tmpfs`,
    )
  }
}
