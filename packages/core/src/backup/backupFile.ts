/**
 * A backup written to a file: first to FILE.partial-PID beside it, fsynced, then renamed, so a
 * failed or interrupted backup never leaves a truncated FILE behind.
 */
import { closeSync, createWriteStream, existsSync, fsyncSync, openSync, realpathSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { storagePaths } from '../engine/storageFormat.ts'
import { BackupError } from './BackupError.ts'
import { createBackup, type BackupOptions, type BackupResult } from './createBackup.ts'

export async function backupToFile(file: string, options: BackupOptions & { overwrite?: boolean }): Promise<BackupResult> {
  const target = resolve(file)
  const dir = dirname(target)
  if (!existsSync(dir)) throw new BackupError('not-found', `cannot write ${file}: folder ${dir} does not exist`)
  if (existsSync(target) && options.overwrite !== true) {
    throw new BackupError('conflict', `${file} already exists: pick another name or pass --force to overwrite it`)
  }
  const storage = existsSync(options.storage) ? realpathSync(options.storage) : options.storage
  const realDir = realpathSync(dir)
  const upper = storagePaths(storage).upper
  if (realDir === upper || realDir.startsWith(`${upper}/`)) {
    throw new BackupError('invalid-input', `cannot write ${file} inside the storage it backs up: write it outside ${storage}`)
  }
  const partial = `${realDir}/${basename(target)}.partial-${process.pid}`
  try {
    const result = await createBackup(createWriteStream(partial, { flags: 'wx', mode: 0o600 }), options)
    const fd = openSync(partial, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(partial, target)
    return result
  } catch (err) {
    rmSync(partial, { force: true })
    throw err
  }
}
