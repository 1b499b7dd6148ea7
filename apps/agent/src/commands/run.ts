/**
 * `layerdeck run`: one application chrooted into the overlay (the seed's first setup). Mounts
 * BASE + storage on a private mount point, runs COMMAND in it, then unmounts and exits with
 * COMMAND's status. Failures of layerdeck itself exit 125, as chroot and env do.
 */
import { readFileSync, realpathSync } from 'node:fs'
import type { Command } from 'commander'
import { mountOverlay, type MountedOverlay } from '@layerdeck/core/fuse'
import { runTool } from '../boot/exec.ts'
import { currentUmask, runChrooted } from './runChild.ts'
import { planRun, type RunFlags } from './runInput.ts'
import { prepareRunPlaces, type RunPlaces } from './runStorage.ts'

/** Exit status when layerdeck itself fails (bad input, cannot mount): not COMMAND's. */
export const RUN_FAILED = 125

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run COMMAND chrooted into BASE merged with a storage, then unmount')
    .option('--base <dir>', 'the read-only root filesystem to run in (never written)')
    .option('--storage <dir>', 'where the changes are kept (upper/ and work/ are created in it)')
    .option(
      '--tmpfs <size>',
      'put the storage on a fresh tmpfs of SIZE (64M, 1G); discarded at exit unless --storage is given',
    )
    .argument('[command...]', 'the command to run and its arguments, after --')
    .addHelpText(
      'after',
      '\n/proc, /sys and /dev are bound into the overlay. Signals reach COMMAND; when it exits (or crashes)\n' +
        'the overlay is unmounted and layerdeck exits with its status (128+N after signal N, 125 when\n' +
        'layerdeck itself fails). With --tmpfs and --storage, the tmpfs stays mounted on the storage.\n' +
        'Examples:\n' +
        '  layerdeck run --base /rom --storage /data/app -- /usr/bin/app --config /etc/app.conf\n' +
        '  layerdeck run --base /rom --tmpfs 64M -- /bin/sh\n' +
        '  layerdeck run --base / --tmpfs 256M -- /bin/sh     (a throwaway copy-on-write view of the whole system)',
    )
    .action(async (command: string[], flags: RunFlags) => {
      process.exitCode = await runInOverlay(command, flags)
    })
}

const say = (text: string): boolean => process.stderr.write(`layerdeck: ${text}\n`)
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

async function runInOverlay(command: string[], flags: RunFlags): Promise<number> {
  let places: RunPlaces
  let plan
  try {
    plan = planRun(command, flags)
    places = await prepareRunPlaces(plan)
  } catch (err) {
    say(messageOf(err))
    return RUN_FAILED
  }
  const umask = currentUmask(readFileSync('/proc/self/status', 'utf8'))
  let mounted: MountedOverlay | undefined
  try {
    mounted = await mountOverlay({
      base: places.base,
      storage: places.storage,
      mountpoint: places.root,
      // Later commands on the storage find the base the user gave, not run's private view of it.
      recordedBase: realpathSync(plan.base),
    })
    const stale = mounted.overlay.staleStagesRemoved
    if (stale > 0) say(`removed ${stale} unfinished copy-up(s) left by a crash`)
    return await runChrooted(places.root, plan.command, umask)
  } catch (err) {
    say(messageOf(err))
    return RUN_FAILED
  } finally {
    const warnings = mounted === undefined ? [] : await unmountOverlay(mounted, places.root)
    warnings.push(...(await places.release()))
    for (const warning of warnings) say(warning)
    if (plan.tmpfsSize !== undefined && plan.storage !== undefined) {
      say(
        `the tmpfs storage stays mounted on ${plan.storage} (umount ${plan.storage} to discard it)`,
      )
    }
  }
}

async function unmountOverlay(mounted: MountedOverlay, root: string): Promise<string[]> {
  try {
    await mounted.unmount()
    return []
  } catch (err) {
    const lazy = await runTool('umount', ['-l', root])
    return lazy.code === 0 ? [] : [`${messageOf(err)}; run fusermount -uz ${root}`]
  }
}
