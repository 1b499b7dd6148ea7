/**
 * The private places of one `layerdeck run`: a directory under /run/layerdeck holding the mount
 * point (and the storage when it is a throwaway tmpfs), and the tmpfs itself. `release()` undoes
 * exactly what `prepare` did, in reverse, and never throws.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmdirSync } from 'node:fs'
import { join } from 'node:path'
import { runTool, runToolOk } from '../boot/exec.ts'
import { isMountedOn } from '@layerdeck/core/fuse'
import type { RunPlan } from './runInput.ts'

export const RUN_DIR = '/run/layerdeck'

export interface RunPlaces {
  /** The private mount point of the merged tree. */
  root: string
  /** The base to serve: BASE itself, or a private read-only bind of it (see bindBase). */
  base: string
  storage: string
  /** Unmounts what prepare mounted and removes what it created; returns warnings. */
  release(): Promise<string[]>
}

export async function prepareRunPlaces(plan: RunPlan): Promise<RunPlaces> {
  if (plan.storage !== undefined && plan.tmpfsSize !== undefined && isMountedOn(plan.storage)) {
    throw new Error(
      `${plan.storage} is already a mount point: drop --tmpfs to use what is mounted there as storage, or unmount it`,
    )
  }
  mkdirSync(RUN_DIR, { recursive: true, mode: 0o700 })
  const dir = mkdtempSync(join(RUN_DIR, 'run-'))
  const root = join(dir, 'root')
  mkdirSync(root)
  const ownStorage = plan.storage === undefined
  const storage = plan.storage ?? join(dir, 'storage')
  if (ownStorage) mkdirSync(storage, { mode: 0o700 })
  const boundBase = needsBind(plan.base) ? join(dir, 'base') : undefined
  const release = async (): Promise<string[]> => {
    const warnings: string[] = []
    if (boundBase !== undefined) {
      warnings.push(...(await unmount(boundBase)))
      try {
        rmdirSync(boundBase)
      } catch {
        // reported below when dir cannot go
      }
    }
    // A tmpfs given its own --storage place is kept (inspect it, or run again on it).
    if (plan.tmpfsSize !== undefined && ownStorage) warnings.push(...(await unmount(storage)))
    for (const path of ownStorage ? [storage, root, dir] : [root, dir]) {
      try {
        rmdirSync(path)
      } catch (err) {
        warnings.push(
          `could not remove ${path}: ${err instanceof Error ? err.message : String(err)}`,
        )
      }
    }
    return warnings
  }
  if (boundBase !== undefined) {
    try {
      await bindBase(plan.base, boundBase)
    } catch (err) {
      await release()
      throw err
    }
  }
  if (plan.tmpfsSize !== undefined) {
    try {
      await runToolOk('mount', [
        '-t',
        'tmpfs',
        '-o',
        `size=${plan.tmpfsSize},mode=0755`,
        'layerdeck-run',
        storage,
      ])
    } catch (err) {
      await release()
      throw err
    }
  }
  return { root, base: boundBase ?? plan.base, storage, release }
}

/** Is our private directory inside BASE (e.g. `--base /`)? Then the daemon would meet its own mount. */
function needsBind(base: string): boolean {
  const real = realpathSync(base)
  return real === '/' || RUN_DIR === real || RUN_DIR.startsWith(`${real}/`)
}

/**
 * Serves BASE through a private, read-only bind of it: a bind does not carry the mounts under it
 * (our own mount point among them), so `--base /` runs a program on a copy-on-write view of the
 * whole system.
 */
async function bindBase(base: string, at: string): Promise<void> {
  mkdirSync(at)
  await runToolOk('mount', ['--bind', base, at])
  await runToolOk('mount', ['--make-private', at])
  await runTool('mount', ['-o', 'remount,bind,ro', at])
}

/** Unmounts a path, lazily when it is busy; returns a warning when even that fails. */
export async function unmount(path: string): Promise<string[]> {
  if ((await runTool('umount', [path])).code === 0) return []
  const lazy = await runTool('umount', ['-l', path])
  return lazy.code === 0 ? [] : [`could not unmount ${path}: ${lazy.output}; run umount -l ${path}`]
}
