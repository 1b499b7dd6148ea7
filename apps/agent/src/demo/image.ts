/** The demo's factory image and its mounts: mksquashfs + a read-only loop mount, or a fresh copy. */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'

export function isMounted(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === path)
}

/** Runs a command (never touching a mount from this process's own thread), with optional stdin. */
export function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' })
}

/** Detaches whatever is still mounted at these paths (a demo left by a crash). */
export function cleanupMounts(paths: string[]): void {
  for (const path of paths) {
    if (!isMounted(path)) continue
    try {
      execFileSync('fusermount', ['-uz', path], { stdio: 'ignore' })
    } catch {
      execFileSync('umount', ['-l', path], { stdio: 'ignore' })
    }
  }
}

interface ImageOptions {
  rootfs: string
  dir: string
  rom: string
  squashfs: boolean
  log: (line: string) => void
}

/** The base: the squashfs image mounted read-only at ROM, or (no loop devices, or asked) a fresh copy. */
export function packImage(o: ImageOptions): string {
  if (o.squashfs) {
    const image = `${o.dir}/factory.sqfs`
    const pseudo = `${o.rootfs}.pseudo`
    try {
      // The sample image's owners, modes and device nodes live in examples/rootfs.pseudo (see examples/README.md).
      const owners = existsSync(pseudo) ? ['-action', 'guid(0,0)@true', '-pf', pseudo] : ['-all-root']
      execFileSync('mksquashfs', [o.rootfs, image, '-noappend', '-quiet', '-no-progress', ...owners, '-all-time', '1794636000', '-mkfs-time', '1794636000', '-wildcards', '-e', '... .keep'], { stdio: 'ignore' })
      mkdirSync(o.rom, { recursive: true })
      execFileSync('mount', ['-t', 'squashfs', '-o', 'loop,ro', image, o.rom], { stdio: 'ignore' })
      o.log(`factory image ${image} mounted read-only at ${o.rom}`)
      return o.rom
    } catch {
      o.log('squashfs or loop devices unavailable: using a copy of the sample folder as the base')
    }
  }
  const copy = `${o.dir}/rootfs`
  rmSync(copy, { recursive: true, force: true })
  execFileSync('cp', ['-a', o.rootfs, copy])
  o.log(`factory image: a fresh copy of ${o.rootfs} at ${copy}`)
  return copy
}
