/**
 * Every daemon holds an exclusive flock(2) on STORAGE/work/layerdeck/daemon.lock for its whole
 * life (the kernel drops it when the process dies, however it dies). A held lock means a daemon
 * serves the storage, even while its control socket is not up yet or no longer answers: evidence
 * no other user can fake (the lock file is in a root-only directory).
 */
import type { StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'

export const DAEMON_LOCK = 'daemon.lock'

export const daemonLockPath = (paths: StoragePaths): string => `${paths.staging}/${DAEMON_LOCK}`

/** Takes the lock for this process: its descriptor, or undefined when another daemon holds it. */
export function takeDaemonLock(sys: Sys, paths: StoragePaths): number | undefined {
  return sys.tryLock(daemonLockPath(paths))
}

/** Is the lock held by some daemon (not this process)? */
export function daemonLockHeldBy(sys: Sys, paths: StoragePaths): boolean {
  if (sys.lstat(daemonLockPath(paths)) === undefined) return false
  const fd = sys.tryLock(daemonLockPath(paths))
  if (fd === undefined) return true
  sys.close(fd)
  return false
}
