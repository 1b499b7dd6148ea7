/**
 * Actions recorded for the next mount (`--at-next-boot`), for a storage the kernel mounted:
 * changes under a live kernel overlay are undefined, so they wait in work/layerdeck/pending.json
 * until `layerdeck mount` applies them, before it mounts.
 */
import type { StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import { openStorageContext } from './context.ts'
import { recoverStorage } from './recover.ts'
import { resetStorage } from './reset.ts'
import { revertPaths } from './revert.ts'
import { readFileText, syncDir, writeFileAtomic } from '../engine/smallFile.ts'

export type PendingAction =
  { op: 'revert'; paths: string[]; added: boolean } | { op: 'reset'; keep: string[] }

export const PENDING_NAME = 'pending.json'

export function readPending(sys: Sys, paths: StoragePaths): PendingAction[] {
  const text = readFileText(sys, `${paths.staging}/${PENDING_NAME}`)
  return text === undefined ? [] : (JSON.parse(text) as PendingAction[])
}

/** Adds an action to the list the next mount applies. */
export function addPending(sys: Sys, paths: StoragePaths, action: PendingAction): PendingAction[] {
  ensureDir(sys, paths.work)
  ensureDir(sys, paths.staging)
  const list = [...readPending(sys, paths), action]
  writeFileAtomic(sys, paths.staging, PENDING_NAME, JSON.stringify(list))
  return list
}

function ensureDir(sys: Sys, path: string): void {
  if (sys.lstat(path) === undefined) sys.mkdir(path, 0o700)
}

/**
 * Before a mount: finishes an interrupted reset, then applies the pending actions in order.
 * Returns one line per thing done, for the mount's log.
 */
export function prepareForMount(sys: Sys, paths: StoragePaths, base: string): string[] {
  const log: string[] = []
  const recovered = recoverStorage(sys, paths)
  if (recovered !== 'none')
    log.push(`an interrupted reset was ${recovered === 'finished' ? 'finished' : 'rolled back'}`)
  const actions = readPending(sys, paths)
  if (actions.length === 0 || sys.lstat(paths.upper) === undefined) return log
  for (const action of actions) {
    try {
      log.push(applyAction(sys, paths, base, action))
    } catch (err) {
      log.push(
        `could not apply the recorded ${action.op}: ${err instanceof Error ? err.message : String(err)}`,
      )
    }
  }
  sys.unlink(`${paths.staging}/${PENDING_NAME}`)
  syncDir(sys, paths.staging)
  return log
}

function applyAction(sys: Sys, paths: StoragePaths, base: string, action: PendingAction): string {
  if (action.op === 'reset') {
    resetStorage(sys, paths, { keep: action.keep })
    return `applied the recorded reset${action.keep.length > 0 ? ` (kept ${action.keep.join(', ')})` : ''}`
  }
  revertPaths(openStorageContext(sys, paths.root, base), action.paths, { added: action.added })
  return `applied the recorded revert of ${action.paths.join(', ')}`
}
