/** `layerdeck backup`: a compressed tar of the storage that keeps whiteouts, opaque dirs and xattrs. */
import type { Command } from 'commander'
import { BackupError, backupToFile, createBackup, type BackupResult } from '@layerdeck/core'
import { fail, progressLine, type OutputFlags } from './backupOutput.ts'
import { showPath } from './display.ts'

interface BackupFlags extends OutputFlags {
  storage: string
  out: string
  force?: boolean
  level: string
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('write a gzip-compressed tar of STORAGE (whiteouts, opaque dirs, modes, owners, times, xattrs)')
    .requiredOption('--storage <dir>', 'the storage directory (holds upper/ and work/)')
    .requiredOption('--out <file>', "where to write the backup ('-' for stdout)")
    .option('--force', 'overwrite FILE if it exists')
    .option('--level <n>', 'gzip level, 1 (fast) to 9 (small)', '6')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nThe archive is a PAX tar with OCI whiteouts (.wh.NAME, .wh..wh..opq): `tar tvzf FILE` lists it.\n' +
        'Backing up a mounted storage works; entries changed meanwhile are caught as they were when read.\n' +
        'Example: layerdeck backup --storage /overlay --out /tmp/overlay-backup.tar.gz',
    )
    .action(async (flags: BackupFlags) => {
      await runBackup(flags).catch((err: unknown) => fail(err, flags))
    })
}

async function runBackup(flags: BackupFlags): Promise<void> {
  const level = Number(flags.level)
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new BackupError('invalid-input', `--level must be 1 to 9, not ${flags.level}`)
  const toStdout = flags.out === '-'
  if (toStdout && process.stdout.isTTY) throw new BackupError('invalid-input', 'refusing to write a compressed backup to a terminal: redirect it or give --out FILE')
  const progress = progressLine('backup')
  const options = {
    storage: flags.storage,
    level,
    onProgress: (p: { entries: number; totalEntries: number; bytes: number; totalBytes: number }) =>
      progress.update(`${p.entries}/${p.totalEntries} entries, ${mib(p.bytes)}/${mib(p.totalBytes)} MiB`),
  }
  const started = Date.now()
  const result = toStdout
    ? await createBackup(process.stdout, options)
    : await backupToFile(flags.out, { ...options, overwrite: flags.force === true })
  progress.done()
  report(result, flags, Date.now() - started, toStdout)
}

function report(result: BackupResult, flags: BackupFlags, ms: number, toStdout: boolean): void {
  const summary = {
    out: flags.out,
    entries: result.manifest.entries,
    bytes: result.manifest.bytes,
    archiveBytes: result.archiveBytes,
    whiteouts: result.whiteouts,
    opaqueDirs: result.opaqueDirs,
    skipped: result.skipped,
    durationMs: ms,
  }
  // With --out -, stdout carries the archive: the report goes to stderr.
  const write = (text: string): boolean => (toStdout ? process.stderr.write(text) : process.stdout.write(text))
  if (flags.json === true) {
    write(`${JSON.stringify(summary)}\n`)
    return
  }
  for (const s of result.skipped) process.stderr.write(`layerdeck: skipped ${showPath(s.path)}: ${s.reason}\n`)
  write(
    `layerdeck: backed up ${summary.entries} entries (${mib(summary.bytes)} MiB of data, ${summary.whiteouts} whiteouts, ` +
      `${summary.opaqueDirs} opaque dirs) to ${toStdout ? 'stdout' : flags.out}: ${mib(summary.archiveBytes)} MiB in ${ms} ms\n`,
  )
}

const mib = (bytes: number): string => (bytes / 1048576).toFixed(bytes < 10485760 ? 2 : 1)
