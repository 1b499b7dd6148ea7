/** `layerdeck reset`: factory reset (atomic, undoable until purged), through the mount's daemon when mounted. */
import type { Command } from 'commander'
import {
  addPending,
  call,
  purgeResets,
  refuseKernelMounted,
  resetStorage,
  undoReset,
  undoStates,
  type OpenFile,
  type ResetResult,
} from '@layerdeck/core'
import {
  confirm,
  describeOpenFiles,
  formatBytes,
  openTarget,
  overlayPaths,
  print,
  printJson,
  storageOptions,
  type Opened,
  type StorageFlags,
} from './statusCli.ts'
import { showPath, showPaths } from './display.ts'

interface ResetFlags extends StorageFlags {
  keep: string[]
  dryRun?: boolean
  undo?: boolean
  purge?: boolean
  yes?: boolean
  force?: boolean
  atNextBoot?: boolean
}

const collect = (value: string, list: string[]): string[] => [...list, value]

export function registerReset(program: Command): void {
  storageOptions(program.command('reset'))
    .description(
      'factory reset: every change goes except --keep paths; atomic, and undoable with --undo until --purge',
    )
    .option('--keep <path>', 'keep this path as it is now (repeatable)', collect, [])
    .option('--dry-run', 'list what would go and how much space comes back, change nothing')
    .option('--undo', 'restore the state before the last reset')
    .option('--purge', 'delete the state kept for --undo (frees its space)')
    .option('-y, --yes', 'do not ask for confirmation (for scripts)')
    .option('--force', 'go ahead although processes hold files open for writing (their later writes fail with EIO)')
    .option(
      '--at-next-boot',
      'record the reset for the next `layerdeck mount` (for a storage the kernel has mounted)',
    )
    .addHelpText(
      'after',
      '\nWorks while mounted (through the mount itself, no unmount needed) and on an unmounted storage.\n' +
        '\nOpen files, while mounted: a reset (or --undo) refuses while processes hold files open for\n' +
        'writing, and lists them (path, command, pid). With --force it goes ahead: those descriptors are\n' +
        'stranded, so every later write, fsync or close through them fails with EIO (nothing they write\n' +
        'is silently lost; what they wrote before is in the undo state). Descriptors open for reading\n' +
        'go on reading the version they opened. --keep paths are moved, not copied: a process writing\n' +
        'a kept file keeps writing into it. --purge destroys the undo state for good.\n' +
        'Example: layerdeck reset --storage /overlay --keep /etc/shadow --keep /etc/config/network',
    )
    .action(async (flags: ResetFlags) => {
      await runReset(flags)
    })
}

async function runReset(flags: ResetFlags): Promise<void> {
  const opened = await openTarget(flags)
  const { sys, target } = opened
  const keep = overlayPaths(flags.keep, target)
  if ([flags.undo, flags.purge, flags.dryRun].filter((f) => f === true).length > 1) {
    throw new Error('choose one of --undo, --purge and --dry-run')
  }
  if (flags.atNextBoot === true) {
    if (flags.undo === true || flags.purge === true)
      throw new Error('--at-next-boot records a reset only (not --undo or --purge)')
    addPending(sys, target.paths, { op: 'reset', keep })
    out(
      flags,
      { recorded: true, keep },
      `recorded: the storage will be reset at the next 'layerdeck mount'${keep.length > 0 ? ` (keeping ${showPaths(keep)})` : ''}`,
    )
    return
  }
  refuseKernelMounted(
    target,
    flags.undo === true ? 'reset --undo' : flags.purge === true ? 'reset --purge' : 'reset',
  )
  if (flags.undo === true) return runUndo(opened, flags)
  if (flags.purge === true) return runPurge(opened, flags)
  const live = target.mode === 'daemon'
  const preview = live
    ? ((await call(target.paths, { op: 'reset', keep, dryRun: true })) as ResetResult)
    : resetStorage(sys, target.paths, { keep, base: target.base, dryRun: true })
  if (flags.dryRun === true) {
    out(flags, preview, describePreview(preview))
    return
  }
  await confirm(`${describePreview(preview)}\nReset the storage?`, flags.yes, 'reset')
  const result = live
    ? ((await call(target.paths, { op: 'reset', keep, ...(flags.force === true ? { force: true } : {}) })) as ResetResult)
    : resetStorage(sys, target.paths, { keep, base: target.base })
  out(
    flags,
    { mounted: target.mode, ...result },
    `reset done${result.kept.length > 0 ? `, kept ${showPaths(result.kept)}` : ''}; undo with 'layerdeck reset --undo' until 'layerdeck reset --purge'`,
  )
}

function describePreview(r: ResetResult & { openFiles?: OpenFile[] }): string {
  const lines: string[] = []
  if (r.goes !== null) {
    for (const c of r.goes) lines.push(`  ${c.state.padEnd(10)}${showPath(c.path)}`)
    lines.push(`${r.goes.length} change(s) go`)
  }
  if (r.kept.length > 0) lines.push(`kept: ${showPaths(r.kept)}`)
  if (r.notInStorage.length > 0)
    lines.push(`unchanged anyway (nothing in storage): ${showPaths(r.notInStorage)}`)
  lines.push(`space that comes back once the undo state is purged: ${formatBytes(r.frees)}`)
  lines.push(...describeOpenFiles(r.openFiles))
  return lines.join('\n')
}

async function runUndo({ sys, target }: Opened, flags: ResetFlags): Promise<void> {
  if (target.mode !== 'daemon' && undoStates(sys, target.paths).length === 0)
    throw new Error('nothing to undo: no reset since the last purge')
  await confirm(
    'Restore the state before the last reset? (the current state is kept as the undo state)',
    flags.yes,
    'reset --undo',
  )
  const result =
    target.mode === 'daemon'
      ? await call(target.paths, { op: 'undo', ...(flags.force === true ? { force: true } : {}) })
      : undoReset(sys, target.paths)
  out(
    flags,
    result,
    'the state before the last reset is back; run reset --undo again to redo the reset',
  )
}

async function runPurge({ sys, target }: Opened, flags: ResetFlags): Promise<void> {
  await confirm(
    'Delete the state kept for reset --undo? It cannot be brought back.',
    flags.yes,
    'reset --purge',
  )
  const freed =
    target.mode === 'daemon'
      ? ((await call(target.paths, { op: 'purge' })) as { freed: number }).freed
      : purgeResets(sys, target.paths)
  out(flags, { freed }, `purged: ${formatBytes(freed)} freed`)
}

function out(flags: ResetFlags, json: unknown, text: string): void {
  if (flags.json === true) printJson(json)
  else print(text)
}
