/** `layerdeck restore FILE`: shows what a backup would change in the storage, asks, applies. */
import { createInterface } from 'node:readline/promises'
import type { Command } from 'commander'
import { realpathSync } from 'node:fs'
import {
  BackupError,
  call,
  DEFAULT_RESTORE_LIMITS,
  locateStorage,
  restoreBackup,
  type OpenFile,
  type RestoreLimits,
  type RestorePlan,
  type RestoreResult,
  type StoragePaths,
} from '@layerdeck/core'
import { describeOpenFiles } from './statusCli.ts'
import { fail, progressLine, type OutputFlags } from './backupOutput.ts'
import { showPath } from './display.ts'

interface RestoreFlags extends OutputFlags {
  storage: string
  replace?: boolean
  dryRun?: boolean
  yes?: boolean
  force?: boolean
  maxEntries: string
  maxBytes: string
  maxXattrBytes: string
  maxNameBytes: string
}

export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('restore a backup into STORAGE: shows what changes, asks, then applies it in one swap')
    .argument('<file>', 'a backup written by `layerdeck backup`')
    .requiredOption('--storage <dir>', 'the storage directory (live through its daemon when mounted by layerdeck)')
    .option('--replace', 'also remove storage changes the backup does not have (the storage becomes the backup)')
    .option('--dry-run', 'check the archive and show the plan; change nothing')
    .option('-y, --yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .option('--force', 'while mounted: go ahead although processes hold files it replaces open for writing (their later writes fail with EIO)')
    .option('--max-entries <n>', 'refuse archives with more entries', String(DEFAULT_RESTORE_LIMITS.maxEntries))
    .option('--max-bytes <size>', 'refuse archives with more file data (e.g. 512M, 8G)', sizeText(DEFAULT_RESTORE_LIMITS.maxBytes))
    .option('--max-xattr-bytes <size>', 'refuse archives with more extended attribute data (names and values)', sizeText(DEFAULT_RESTORE_LIMITS.maxXattrBytes))
    .option('--max-name-bytes <size>', 'refuse archives whose entry names and link targets take more', sizeText(DEFAULT_RESTORE_LIMITS.maxNameBytes))
    .option('--json', 'print the plan and result as JSON')
    .addHelpText(
      'after',
      '\nThe whole archive is checked before anything changes: paths outside the storage, entries\n' +
        'through symlinks, device nodes, corrupt gzip and archives over the limits are refused.\n' +
        'On a storage a layerdeck mount serves, the restore is live (no unmount) and undoable:\n' +
        "the state before it is kept until 'layerdeck reset --purge'; 'layerdeck reset --undo' brings it back.\n" +
        'A storage the kernel has mounted is refused (unmount it first).\n' +
        'Example: layerdeck restore /tmp/overlay-backup.tar.gz --storage /overlay --dry-run',
    )
    .action(async (file: string, flags: RestoreFlags) => {
      await runRestore(file, flags).catch((err: unknown) => fail(err, flags))
    })
}

async function runRestore(file: string, flags: RestoreFlags): Promise<void> {
  const limits = {
    maxEntries: parseCount(flags.maxEntries),
    maxBytes: parseSize(flags.maxBytes, '--max-bytes'),
    maxXattrBytes: parseSize(flags.maxXattrBytes, '--max-xattr-bytes'),
    maxNameBytes: parseSize(flags.maxNameBytes, '--max-name-bytes'),
  }
  const interactive = process.stdin.isTTY && process.stdout.isTTY
  if (flags.dryRun !== true && flags.yes !== true && !interactive) {
    throw new BackupError('invalid-input', 'restore changes the storage: pass --yes to confirm (stdin is not a terminal), or --dry-run to only look')
  }
  const target = await locateStorage(flags.storage)
  if (target.mode === 'daemon') return runLiveRestore(file, flags, target.paths, limits)
  const progress = progressLine('restore')
  const result = await restoreBackup({
    storage: flags.storage,
    file,
    replace: flags.replace === true,
    dryRun: flags.dryRun === true,
    limits,
    onProgress: (p) => progress.update(`${p.entries}/${p.totalEntries} entries`),
    confirm: flags.yes === true ? () => Promise.resolve(true) : (plan) => ask(plan, flags),
  })
  progress.done()
  report(result, flags)
}

/**
 * The storage is mounted: the daemon serving it checks, stages and swaps the backup in live;
 * open files the restore would strand refuse it unless --force; `reset --undo` undoes it.
 */
async function runLiveRestore(file: string, flags: RestoreFlags, paths: StoragePaths, limits: Partial<RestoreLimits>): Promise<void> {
  const archive = realpathSync(file)
  const body = { op: 'restore' as const, archive, replace: flags.replace === true, limits }
  const preview = (await call(paths, { ...body, dryRun: true })) as RestoreResult & { openFiles?: OpenFile[] }
  if (flags.dryRun === true || isEmpty(preview.plan)) {
    report(preview, { ...flags, yes: true, dryRun: flags.dryRun === true || isEmpty(preview.plan) })
    return
  }
  const stranded = describeOpenFiles(preview.openFiles)
  if (flags.yes !== true) {
    if (stranded.length > 0) process.stdout.write(`${stranded.join('\n')}\n`)
    if (!(await ask(preview.plan, flags))) {
      process.stdout.write('layerdeck: cancelled; nothing was changed\n')
      return
    }
  }
  const result = (await call(paths, { ...body, ...(flags.force === true ? { force: true } : {}) })) as RestoreResult
  report(result, flags)
  if (result.applied && flags.json !== true) process.stdout.write("layerdeck: the state before the restore is kept: 'layerdeck reset --undo' brings it back\n")
}

const isEmpty = (plan: RestorePlan): boolean => plan.added.length + plan.replaced.length + plan.removedEntries === 0

async function ask(plan: RestorePlan, flags: RestoreFlags): Promise<boolean> {
  process.stdout.write(formatPlan(plan))
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    const answer = await rl.question(`Apply this restore to ${flags.storage}? [y/N] `)
    return /^y(es)?$/i.test(answer.trim())
  } finally {
    rl.close()
  }
}

function report(result: RestoreResult, flags: RestoreFlags): void {
  if (flags.json === true) {
    const { plan, manifest, applied, entries, bytes, recovered } = result
    process.stdout.write(`${JSON.stringify({ dryRun: flags.dryRun === true, replace: flags.replace === true, applied, backup: manifest, entries, bytes, plan, recovered })}\n`)
    return
  }
  for (const note of result.recovered) process.stderr.write(`layerdeck: ${note}\n`)
  const { plan } = result
  const changes = plan.added.length + plan.replaced.length + plan.removedEntries
  // The plan was already shown before the question.
  if (flags.yes === true || flags.dryRun === true || changes === 0) process.stdout.write(formatPlan(plan))
  if (changes === 0) process.stdout.write('layerdeck: the storage already matches the backup; nothing to do\n')
  else if (flags.dryRun === true) process.stdout.write('layerdeck: dry run: nothing was changed\n')
  else if (result.applied) process.stdout.write(`layerdeck: restored ${result.entries} entries into ${flags.storage}\n`)
  else process.stdout.write('layerdeck: cancelled; nothing was changed\n')
}

const MAX_LISTED = 50

export function formatPlan(plan: RestorePlan): string {
  const lines: string[] = []
  const list = (mark: string, items: RestorePlan['added']): void => {
    for (const item of items.slice(0, MAX_LISTED)) {
      lines.push(`  ${mark} ${showPath(item.path)} (${item.was !== undefined ? `${item.was} -> ` : ''}${item.kind})`)
    }
    if (items.length > MAX_LISTED) lines.push(`  ${mark} ... and ${items.length - MAX_LISTED} more (--json lists all)`)
  }
  list('+', plan.added)
  list('~', plan.replaced)
  list('-', plan.removed)
  lines.push(
    `${plan.added.length} added, ${plan.replaced.length} replaced, ${plan.removedEntries} removed, ${plan.unchanged} unchanged`,
  )
  return `${lines.join('\n')}\n`
}

function parseCount(text: string): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 1) throw new BackupError('invalid-input', `--max-entries must be a positive whole number, not ${text}`)
  return n
}

/** 2G, 16M: the default a --max-* flag shows in --help. */
function sizeText(bytes: number): string {
  for (const [unit, size] of [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`
  }
  return String(bytes)
}

function parseSize(text: string, flag: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)i?B?$/i.exec(text.trim())
  if (m === null) throw new BackupError('invalid-input', `${flag} must be a size like 800M or 4G, not ${text}`)
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[(m[2] ?? '').toUpperCase() as '' | 'K' | 'M' | 'G' | 'T']
  return Math.floor(Number(m[1]) * unit)
}
