/**
 * Whiteouts: hard links of one shared 0/0 character device in work/, placed atomically by
 * staging the link and renaming it over the storage entry.
 */
import { hasCode } from './OverlayError.ts'
import type { Staging } from './staging.ts'
import type { StoragePaths } from './storageFormat.ts'
import type { Sys } from './sys.ts'

/**
 * Puts a whiteout at `upperPath`, replacing any non-directory there. Where storage holds nothing
 * at that name (`free`), one link(2) places it atomically; otherwise the link is staged and
 * renamed over what is there.
 */
export function placeWhiteout(sys: Sys, paths: StoragePaths, staging: Staging, upperPath: string, free = false): void {
  if (free) {
    try {
      linkShared(sys, paths, staging, upperPath)
      return
    } catch (err) {
      if (!hasCode(err, 'EEXIST')) throw err
    }
  }
  const tmp = staging.next()
  linkShared(sys, paths, staging, tmp)
  try {
    sys.rename(tmp, upperPath)
  } catch (err) {
    staging.discard(tmp)
    throw err
  }
}

function linkShared(sys: Sys, paths: StoragePaths, staging: Staging, target: string): void {
  try {
    sys.link(paths.whiteout, target)
  } catch (err) {
    if (!hasCode(err, 'EMLINK', 'ENOENT')) throw err
    staging.newWhiteout()
    sys.link(paths.whiteout, target)
  }
}
