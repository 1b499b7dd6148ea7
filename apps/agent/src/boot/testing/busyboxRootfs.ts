/**
 * Test fixture: a small real root filesystem built from Debian's busybox-static (/bin/sh and
 * every applet, /etc files, the usual top-level directories), plus empty places where a boot
 * test binds the host's node, libraries and this repository, as a device image would ship them.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const BUSYBOX = '/bin/busybox'
/** Where the repository is bound inside the rootfs (the device's layerdeck install). */
export const LAYERDECK_DIR = '/opt/layerdeck'

const DIRS = [
  'bin',
  'sbin',
  'etc',
  'proc',
  'sys',
  'dev',
  'run',
  'mnt',
  'root',
  'var/log',
  'home',
  'rom',
  'overlay',
  'srv',
]
const BIND_PLACES = ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', LAYERDECK_DIR.slice(1)]

const FILES: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n',
  'etc/group': 'root:x:0:\n',
  'etc/hostname': 'layerdeck-test\n',
  'etc/motd': 'a base file that the tests delete\n',
  'etc/device.conf': 'mode=factory\n',
}

export interface RootfsOptions {
  /** The /bin/sh the init script runs under: busybox ash (default) or Debian's dash. */
  shell?: 'busybox' | 'dash'
}

/** Builds the rootfs in `root` (an empty directory); `files` adds or replaces files (mode 0755). */
export function buildBusyboxRootfs(root: string, files: Record<string, string> = {}, options: RootfsOptions = {}): void {
  if (!existsSync(BUSYBOX))
    throw new Error(`${BUSYBOX} is missing: apt-get install -y busybox-static`)
  for (const dir of [...DIRS, ...BIND_PLACES])
    mkdirSync(join(root, dir), { recursive: true, mode: 0o755 })
  mkdirSync(join(root, 'tmp'), { mode: 0o1777 })
  chmodSync(join(root, 'tmp'), 0o1777)
  copyFileSync(BUSYBOX, join(root, 'bin/busybox'))
  chmodSync(join(root, 'bin/busybox'), 0o755)
  const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
  for (const applet of applets) {
    if (applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet))
  }
  if (options.shell === 'dash') {
    if (!existsSync('/usr/bin/dash')) throw new Error('/usr/bin/dash is missing: apt-get install -y dash')
    copyFileSync('/usr/bin/dash', join(root, 'bin/dash'))
    chmodSync(join(root, 'bin/dash'), 0o755)
    rmSync(join(root, 'bin/sh'))
    symlinkSync('dash', join(root, 'bin/sh'))
  }
  symlinkSync('usr/lib', join(root, 'lib'))
  symlinkSync('usr/lib64', join(root, 'lib64'))
  symlinkSync('/proc/self/mounts', join(root, 'etc/mtab'))
  writeFileSync(join(root, 'usr/bin/node'), '', { mode: 0o755 })
  for (const [path, content] of Object.entries(FILES))
    writeFileSync(join(root, path), content, { mode: 0o644 })
  for (const [path, content] of Object.entries(files)) {
    writeFileSync(join(root, path), content, { mode: 0o755 })
    chmodSync(join(root, path), 0o755)
  }
}
