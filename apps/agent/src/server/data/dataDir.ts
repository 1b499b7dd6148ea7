/**
 * The agent's own data (accounts, session secret, sessions, audit log, setup token): one folder,
 * 0700, root only, by default STORAGE/layerdeck/ (beside upper/ and work/, so a factory reset
 * neither removes it nor shows it in the merged tree). Every file is 0600 and written whole
 * (temp file, fsync, rename), so a crash leaves the old version or the new one.
 */
import { chmodSync, closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export const DATA_DIR_NAME = 'layerdeck'

export const defaultDataDir = (storage: string): string => `${storage.replace(/\/+$/, '')}/${DATA_DIR_NAME}`

export interface DataFiles {
  dir: string
  accounts: string
  secret: string
  sessions: string
  audit: string
  setupToken: string
  mountLog: string
  uploads: string
}

export function dataFiles(dir: string): DataFiles {
  return {
    dir,
    accounts: `${dir}/accounts.json`,
    secret: `${dir}/secret`,
    sessions: `${dir}/sessions.json`,
    audit: `${dir}/audit.log`,
    setupToken: `${dir}/setup-token`,
    mountLog: `${dir}/mount.log`,
    uploads: `${dir}/uploads`,
  }
}

/**
 * Creates the folder (and its parents) if needed and makes it 0700; refuses a symlink. When it
 * is the default one inside a storage that was never mounted, upper/ and work/ are made too
 * (as `layerdeck mount` would), so the storage still reads as an overlayfs storage.
 */
export function ensureDataDir(dir: string, storage?: string): DataFiles {
  if (storage !== undefined && dir === defaultDataDir(storage)) {
    mkdirSync(storage, { recursive: true, mode: 0o755 })
    if (!existsSync(`${storage}/upper`)) {
      mkdirSync(`${storage}/upper`, { mode: 0o755 })
      mkdirSync(`${storage}/work`, { recursive: true, mode: 0o700 })
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const stat = lstatSync(dir)
  if (!stat.isDirectory()) throw new Error(`the agent's data folder ${dir} is not a folder: give --data DIR`)
  if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700)
  return dataFiles(dir)
}

/** Writes a whole file, 0600, atomically. */
export function writeAtomic(path: string, data: string | Buffer): void {
  const temp = `${path}.tmp-${process.pid}`
  const fd = openSync(temp, 'w', 0o600)
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  chmodSync(temp, 0o600)
  renameSync(temp, path)
  const dirFd = openSync(dirname(path), 'r')
  try {
    fsyncSync(dirFd)
  } finally {
    closeSync(dirFd)
  }
}

/** The file's text, or undefined when it does not exist. */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
