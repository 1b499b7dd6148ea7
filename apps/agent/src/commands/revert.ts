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
  type RevertStep,
} from '@layerdeck/core'
import {
  confirm,
  openTarget,
  overlayPaths,
  print,
  printJson,
  storageOptions,
  type StorageFlags,
} from './statusCli.ts'

interface RevertFlags extends StorageFlags {
  added?: boolean
  dryRun?: boolean
  yes?: boolean
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
    .option(
      '--at-next-boot',
      'record the revert for the next `layerdeck mount` (for a storage the kernel has mounted)',
    )
    .addHelpText(
      'after',
      '\nWorks while mounted (through the mount itself) and on an unmounted storage.\nExample: layerdeck revert --storage /overlay /etc/hosts /etc/config',
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
      `recorded: ${paths.join(', ')} will be reverted at the next 'layerdeck mount'`,
    )
    return
  }
  refuseKernelMounted(target, 'revert')
  const base = requireBase(target, 'revert')
  const live = target.mode === 'daemon'
  if (!live) recoverStorage(sys, target.paths)
  const ctx = live ? undefined : openStorageContext(sys, target.paths.root, base)
  const plan = live
    ? ((await call(target.paths, { op: 'revert', paths, added, dryRun: true })) as RevertStep[])
    : planRevert(ctx!, paths, { added })
  if (flags.dryRun === true) {
    report(
      flags,
      { dryRun: true, steps: plan },
      plan.map((s) => `would revert ${describe(s)}`).join('\n'),
    )
    return
  }
  const todo = plan.filter((s) => s.action !== 'unchanged')
  if (todo.length > 0)
    await confirm(
      `${todo.map(describe).join('\n')}\nRevert ${todo.length} path(s)?`,
      flags.yes,
      'revert',
    )
  const steps = live
    ? ((await call(target.paths, { op: 'revert', paths, added })) as RevertStep[])
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

const describe = (s: RevertStep): string => `${s.path}: ${WORDS[s.action]}`

function report(flags: RevertFlags, json: unknown, text: string): void {
  if (flags.json === true) printJson(json)
  else print(text)
}
