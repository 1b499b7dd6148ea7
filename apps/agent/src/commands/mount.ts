/** `layerdeck mount`: serve the overlay in the foreground until SIGINT/SIGTERM. */
import { getPriority, setPriority } from 'node:os'
import type { Command } from 'commander'
import { mountOverlay, type MountedOverlay } from '@layerdeck/core/fuse'

interface MountFlags {
  base: string
  storage: string
}

export function registerMount(program: Command): void {
  program
    .command('mount')
    .description('merge BASE (read-only) and STORAGE (writable) at MOUNTPOINT, in the foreground')
    .requiredOption('--base <dir>', 'the read-only base directory (never written)')
    .requiredOption('--storage <dir>', 'the writable storage directory (upper/ and work/ are created in it)')
    .argument('<mountpoint>', 'an existing empty directory to mount on')
    .addHelpText(
      'after',
      '\nStops and unmounts cleanly on SIGINT or SIGTERM (exit 0).\n' +
        'Example: layerdeck mount --base /rom --storage /overlay /mnt/merged',
    )
    .action(async (mountpoint: string, flags: MountFlags) => {
      await runMount(mountpoint, flags)
    })
}

/**
 * The daemon may serve the whole root filesystem: it comes before the agent, a browser's
 * requests or a busy service (nice -5 unless LAYERDECK_DAEMON_NICE says otherwise). Set before
 * mounting, so the FUSE threads it starts inherit it (on Linux a nice value is per thread).
 */
function favourDaemon(): void {
  const nice = Number(process.env.LAYERDECK_DAEMON_NICE ?? -5)
  if (!Number.isInteger(nice)) return
  try {
    if (getPriority() > nice) setPriority(nice)
  } catch {
    // not permitted (not root): the default priority
  }
}

async function runMount(mountpoint: string, flags: MountFlags): Promise<void> {
  // Signals are ours from the start: one that comes while mounting unmounts right after.
  const live: { mounted?: MountedOverlay } = {}
  let stopping = false
  const stop = (): void => {
    stopping = true
    live.mounted?.unmount().catch((err: unknown) => {
      process.stderr.write(`layerdeck: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exitCode = 1
    })
  }
  // Never removed: a signal that comes while the process winds down must not kill it (exit 0).
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  favourDaemon()
  const mounted = await mountOverlay({ base: flags.base, storage: flags.storage, mountpoint })
  live.mounted = mounted
  const { paths } = mounted
  const stale = mounted.overlay.staleStagesRemoved
  if (stale > 0) process.stderr.write(`layerdeck: removed ${stale} unfinished copy-up(s) left by a crash\n`)
  for (const note of mounted.overlay.recovered) process.stderr.write(`layerdeck: ${note}\n`)
  process.stdout.write(`layerdeck: mounted ${paths.base} + ${paths.storage} at ${paths.mountpoint}\n`)
  if (stopping) stop()
  const end = await mounted.ended
  const line =
    end === 'unmounted'
      ? `layerdeck: unmounted ${paths.mountpoint}\n`
      : end === 'external'
        ? `layerdeck: ${paths.mountpoint} was unmounted from outside; stopping\n`
        : `layerdeck: ${paths.mountpoint} left the mount table (lazy unmount); its open files were abandoned; stopping\n`
  // Everything is done: exit now rather than when the event loop drains, so a signal sent while
  // the process winds down finds it gone, not half torn down (killed instead of exit 0).
  await new Promise<void>((resolve) => process.stdout.write(line, () => resolve()))
  process.exit(process.exitCode ?? 0)
}
