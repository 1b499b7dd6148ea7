/**
 * Checks `layerdeck run`'s input before anything is created or mounted: one line that says what
 * is wrong and what to do.
 */
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { onPath } from '../boot/exec.ts'
import { parseTmpfsSize } from '../boot/size.ts'

export interface RunFlags {
  base?: string
  storage?: string
  tmpfs?: string
}

export interface RunPlan {
  base: string
  /** Persistent storage directory (with tmpfsSize: where the tmpfs is mounted and kept). */
  storage?: string
  /** Size for a fresh tmpfs storage, normalised for `mount -o size=`. */
  tmpfsSize?: string
  command: string[]
}

export class RunInputError extends Error {
  override name = 'RunInputError'
}

function existingDir(path: string, label: string, flag: string): string {
  const full = resolve(path)
  if (!existsSync(full))
    throw new RunInputError(`${label} ${full} does not exist: create it or fix ${flag}`)
  if (!statSync(full).isDirectory())
    throw new RunInputError(`${label} ${full} is not a directory: ${flag} needs a directory`)
  return full
}

export function planRun(command: string[], flags: RunFlags): RunPlan {
  if (flags.base === undefined)
    throw new RunInputError('--base DIR is required: the read-only root filesystem to run in')
  const base = existingDir(flags.base, 'base', '--base')
  if (flags.storage === undefined && flags.tmpfs === undefined) {
    throw new RunInputError(
      'give --storage DIR (changes kept) or --tmpfs SIZE (changes discarded at exit), or both',
    )
  }
  const tmpfsSize = flags.tmpfs === undefined ? undefined : parseTmpfsSize(flags.tmpfs, '--tmpfs')
  const storage =
    flags.storage === undefined ? undefined : existingDir(flags.storage, 'storage', '--storage')
  if (command.length === 0 || command[0] === '') {
    throw new RunInputError(
      'no command to run: put it after --, e.g. layerdeck run --base /rom --storage /data -- /bin/sh',
    )
  }
  for (const tool of ['unshare', 'chroot', 'mount', 'umount']) {
    if (!onPath(tool))
      throw new RunInputError(`${tool} is not on PATH: install util-linux/coreutils (or busybox)`)
  }
  return {
    base,
    command,
    ...(storage === undefined ? {} : { storage }),
    ...(tmpfsSize === undefined ? {} : { tmpfsSize }),
  }
}
