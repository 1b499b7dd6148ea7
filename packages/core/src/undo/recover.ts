/**
 * Recovery of an interrupted reset or undo, run before any command reads or changes a storage
 * and before a mount. Deterministic: with the journal, the state of upper/, aside and incoming
 * says how far the swap got; it is finished when the first rename happened, rolled back otherwise.
 */
import { hasCode } from '../engine/OverlayError.ts'
import { removeTree } from '../engine/staging.ts'
import type { StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'
import {
  PURGE_PREFIX,
  readJournal,
  removeJournal,
  RESET_NEW,
  UNDO_PREFIX,
  writeKeepRecord,
  type Swap,
} from './journal.ts'
import { syncDir } from '../engine/smallFile.ts'
import { removeAside } from './treeCopy.ts'

export type Recovery = 'none' | 'rolled-back' | 'finished'

export function recoverStorage(sys: Sys, paths: StoragePaths): Recovery {
  if (sys.lstat(paths.staging) === undefined) return 'none'
  const swap = readJournal(sys, paths)
  const result = swap === undefined ? 'none' : resumeSwap(sys, paths, swap)
  for (const name of sys.readdir(paths.staging)) {
    if (name === RESET_NEW || name.startsWith(PURGE_PREFIX) || /^\..*\.tmp$/.test(name))
      removeTree(sys, `${paths.staging}/${name}`)
  }
  return result
}

function resumeSwap(sys: Sys, paths: StoragePaths, swap: Swap): Recovery {
  const at = (name: string): string => `${paths.staging}/${name}`
  const upper = sys.lstat(paths.upper) !== undefined
  const aside = sys.lstat(at(swap.aside)) !== undefined
  const incoming = sys.lstat(at(swap.incoming)) !== undefined
  let result: Recovery
  if (upper && !aside) {
    // The swap never started: kept entries already moved into incoming go back first.
    for (const path of swap.keep ?? []) {
      if (sys.lstat(`${at(swap.incoming)}${path}`) !== undefined && sys.lstat(`${paths.upper}${path}`) === undefined)
        sys.rename(`${at(swap.incoming)}${path}`, `${paths.upper}${path}`)
    }
    result = 'rolled-back'
  } else if (!upper && aside && incoming) {
    sys.rename(at(swap.incoming), paths.upper)
    result = 'finished'
  } else if (!upper && aside) {
    sys.rename(at(swap.aside), paths.upper)
    result = 'rolled-back'
  } else {
    result = 'finished'
  }
  syncDir(sys, paths.root)
  if (result === 'finished') {
    // The undo state carries what the swap kept, so an undo moves it over again.
    writeKeepRecord(sys, paths, { state: swap.aside, keep: swap.keep ?? [] })
    dropOtherUndoStates(sys, paths, swap.aside)
  }
  removeJournal(sys, paths)
  return result
}

/** Keeps one undo state: the one named (the state before the last reset or undo). */
export function dropOtherUndoStates(sys: Sys, paths: StoragePaths, keep: string): void {
  for (const name of sys.readdir(paths.staging)) {
    if (!name.startsWith(UNDO_PREFIX) || name === keep) continue
    try {
      removeAside(sys, paths, `${paths.staging}/${name}`, 'undo')
    } catch (err) {
      if (!hasCode(err, 'ENOENT')) throw err
    }
  }
}
