/**
 * Is a storage in use by a mount? A restore rewrites upper/ under a mount's feet, so it is
 * refused while the kernel (overlay with upperdir=STORAGE/upper) or a LayerDeck daemon serves it.
 *
 * Only evidence no other user can fake counts: the kernel's mount table, and the daemon's own
 * control socket (where socketPath() puts it: work/layerdeck/control.sock, or /run/layerdeck for
 * a storage path too long for a socket), which socketDir.ts trusts only when this user made it.
 * Other processes' command lines are not looked at: any user can run a program whose arguments
 * read `mount --storage S` and so block every restore, and a `layerdeck run` has no such line.
 */
import { readFileSync, realpathSync } from 'node:fs'
import { openControl, request } from '../control/client.ts'
import { socketPath, type MountInfo } from '../control/protocol.ts'
import { errorCode } from '../engine/OverlayError.ts'
import { daemonLockHeldBy } from '../control/daemonLock.ts'
import { createSys } from '../sys/nativeSys.ts'
import { storagePaths, type StoragePaths } from '../engine/storageFormat.ts'

export async function storageInUse(storage: string): Promise<string | undefined> {
  const paths = storagePaths(realpathSync(storage))
  return kernelMount(paths.root) ?? daemonLockHeld(paths) ?? (await liveDaemon(paths))
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)))
}

/** A kernel overlay mount whose upperdir is this storage's upper/. */
export function kernelMount(storage: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string | undefined {
  const upper = storagePaths(storage).upper
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ')
    if (left === undefined || right === undefined) continue
    const [fstype, , options = ''] = right.split(' ')
    if (fstype !== 'overlay') continue
    const upperdir = options.split(',').find((o) => o.startsWith('upperdir='))
    if (upperdir !== undefined && unescape(upperdir.slice('upperdir='.length)) === upper) {
      const mountpoint = unescape(left.split(' ')[4] ?? '?')
      return `the kernel has it mounted at ${mountpoint}: unmount it first (umount ${mountpoint})`
    }
  }
  return undefined
}

/**
 * The lock every daemon holds for its storage (control/daemonLock.ts): held means a daemon
 * serves it, even while its socket is not up yet or no longer answers.
 */
export function daemonLockHeld(paths: StoragePaths): string | undefined {
  if (!daemonLockHeldBy(createSys(), paths)) return undefined
  return `a LayerDeck daemon holds its lock (${paths.staging}/daemon.lock): stop that mount first`
}

/** The daemon's control socket answers (a stale socket file refuses connections). */
async function liveDaemon(paths: StoragePaths): Promise<string | undefined> {
  const where = socketPath(paths)
  let socket: Awaited<ReturnType<typeof openControl>>
  try {
    socket = await openControl(paths, 1000)
  } catch (err) {
    // A socket we cannot trust, or a daemon that does not answer: do not swap upper/ under it.
    const why = err instanceof Error ? err.message : String(err)
    if (errorCode(err) === 'ETIMEDOUT') return `a LayerDeck daemon holds ${where} but does not answer: stop that mount first`
    return `its control socket cannot be checked (${why})`
  }
  if (socket === undefined) return undefined
  try {
    const info = (await request(socket, { op: 'info' }, 5000)) as MountInfo
    return `layerdeck (pid ${info.pid}) is serving it at ${info.mountpoint}: stop that mount first (kill -TERM ${info.pid})`
  } catch {
    return `a LayerDeck daemon is serving it (${where} answers): stop the mount first`
  } finally {
    socket.destroy()
  }
}
