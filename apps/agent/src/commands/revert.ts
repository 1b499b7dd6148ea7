/** `layerdeck revert PATH...`: the base version comes back (through the mount's daemon when mounted). */
import type { Command } from 'commander'
import {
  addPending,
  applyRevert,
  call,
  openStorageContext,
  planRevert,
  recoverStorage,
  refuseKernelMounted,
  requireBase,
  type OpenFile,
  type RevertStep,
} from '@layerdeck/core'
import {
  confirm,
  describeOpenFiles,
  openTarget,
  overlayPaths,
  print,
  printJson,
  storageOptions,
  type StorageFlags,
} from './statusCli.ts'
import { showPath, showPaths } from './display.ts'

interface RevertFlags extends StorageFlags {
  added?: boolean
  dryRun?: boolean
  yes?: boolean
  force?: boolean
  atNextBoot?: boolean
}

export function registerRevert(program: Command): void {
  storageOptions(program.command('revert'))
    .description(
      'bring back the base version of files or whole subtrees (storage copies and whiteouts under them go)',
    )
    .argument('<path...>', 'paths inside the overlay (/etc/hosts) or under its mount point')
    .option('--added', 'also remove paths that exist only in storage')
    .option('--dry-run', 'say what would be reverted, change nothing')
    .option('-y, --yes', 'do not ask for confirmation (for scripts)')
    .option('--force', 'go ahead although processes hold the files open for writing (their later writes fail with EIO)')
    .option(
      '--at-next-boot',
      'record the revert for the next `layerdeck mount` (for a storage the kernel has mounted)',
    )
    .addHelpText(
      'after',
      '\nWorks while mounted (through the mount itself) and on an unmounted storage.\n' +
        'Open files, while mounted: a revert refuses while processes hold the files open for writing,\n' +
        'and lists them (path, command, pid); with --force their later writes, fsync and close fail\n' +
        'with EIO, so nothing they write is silently lost. Readers keep the version they opened.\n' +
        'Example: layerdeck revert --storage /overlay /etc/hosts /etc/config',
    )
    .action(async (args: string[], flags: RevertFlags) => {
      await runRevert(args, flags)
    })
}

async function runRevert(args: string[], flags: RevertFlags): Promise<void> {
  const { sys, target } = await openTarget(flags)
  const paths = overlayPaths(args, target)
  const added = flags.added === true
  if (flags.atNextBoot === true) {
    addPending(sys, target.paths, { op: 'revert', paths, added })
    report(
      flags,
      { recorded: true, paths },
      `recorded: ${showPaths(paths)} will be reverted at the next 'layerdeck mount'`,
    )
    return
  }
  refuseKernelMounted(target, 'revert')
  const base = requireBase(target, 'revert')
  const live = target.mode === 'daemon'
  if (!live) recoverStorage(sys, target.paths)
  const ctx = live ? undefined : openStorageContext(sys, target.paths.root, base)
  const plan = live
    ? ((await call(target.paths, { op: 'revert', paths, added, dryRun: true })) as LiveStep[])
    : planRevert(ctx!, paths, { added })
  if (flags.dryRun === true) {
    report(
      flags,
      { dryRun: true, steps: plan },
      [...plan.map((s) => `would revert ${describe(s)}`), ...describeOpenFiles(openFilesOf(plan))].join('\n'),
    )
    return
  }
  const todo = plan.filter((s) => s.action !== 'unchanged')
  if (todo.length > 0)
    await confirm(
      [...todo.map(describe), ...describeOpenFiles(openFilesOf(plan)), `Revert ${todo.length} path(s)?`].join('\n'),
      flags.yes,
      'revert',
    )
  const steps = live
    ? ((await call(target.paths, { op: 'revert', paths, added, ...(flags.force === true ? { force: true } : {}) })) as RevertStep[])
    : (applyRevert(ctx!, plan, { added }), plan)
  report(flags, { mounted: target.mode, steps }, steps.map(describe).join('\n'))
}

const WORDS: Record<RevertStep['action'], string> = {
  restore: 'base version restored',
  undelete: 'undeleted (base version back)',
  remove: 'removed (existed only in storage)',
  tree: 'subtree reverted',
  unchanged: 'unchanged (nothing in storage)',
}

/** A step of a live dry run: with the open files reverting it would strand. */
type LiveStep = RevertStep & { openFiles?: OpenFile[] }
const openFilesOf = (plan: LiveStep[]): OpenFile[] => plan.flatMap((s) => s.openFiles ?? [])

const describe = (s: RevertStep): string => `${showPath(s.path)}: ${WORDS[s.action]}`

function report(flags: RevertFlags, json: unknown, text: string): void {
  if (flags.json === true) printJson(json)
  else print(text)
}
