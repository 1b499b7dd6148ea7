/**
 * Test fixture: boots a rootfs's /sbin/overlay_init as PID 1 of a new mount and PID namespace,
 * the way a kernel would: the rootfs is bound read-only on itself, /dev is there (as with
 * CONFIG_DEVTMPFS_MOUNT), and the host's node, libraries, e2fsck and this repository are bound
 * where a device image would carry them. When init exits, the namespaces and every mount in
 * them vanish; --kill-child and the timeout make sure that happens even if something hangs.
 */
import { execFile } from 'node:child_process'
import { REPO_ROOT } from '@layerdeck/testkit'
import { LAYERDECK_DIR } from './busyboxRootfs.ts'

const WRAPPER = `
set -e
R=$1; REPO=$2; SHARED=$3
mount -o bind "$R" "$R"
mount -o remount,bind,ro "$R"
if [ -n "$SHARED" ]; then mount -o bind "$SHARED" "$R/srv"; fi
mount -o rbind /dev "$R/dev"
for d in /usr/lib /usr/lib64 /usr/sbin; do mount -o bind "$d" "$R$d"; done
mount -o bind "$(readlink -f "$(command -v node)")" "$R/usr/bin/node"
mount -o bind "$REPO" "$R${LAYERDECK_DIR}"
exec chroot "$R" /sbin/overlay_init
`

export interface BootResult {
  code: number | null
  /** stdout and stderr together: what the console showed. */
  console: string
  ms: number
}

/**
 * `cmdline` plays the kernel command line (read by the script from LAYERDECK_CMDLINE); `shared`,
 * a host directory, is bound writable at /srv (a device can appear there while init waits).
 */
export function bootInNamespace(
  rootfs: string,
  cmdline: string,
  timeoutMs = 30_000,
  shared = '',
): Promise<BootResult> {
  const started = Date.now()
  const args = [
    '--mount',
    '--pid',
    '--fork',
    '--kill-child',
    '--propagation',
    'private',
    'sh',
    '-c',
    WRAPPER,
    'sh',
    rootfs,
    REPO_ROOT,
    shared,
  ]
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LAYERDECK_CMDLINE: cmdline }
  return new Promise((resolve) => {
    execFile(
      'unshare',
      args,
      { env, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null
        resolve({ code, console: `${stdout}${stderr}`, ms: Date.now() - started })
      },
    )
  })
}
