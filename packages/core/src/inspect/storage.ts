/** Checks that a directory is a storage in overlayfs format (upper/ + work/) before reading it. */
import { isDir } from '../engine/fileMode.ts'
import { OverlayError } from '../engine/OverlayError.ts'
import { storagePaths, type StoragePaths } from '../engine/storageFormat.ts'
import type { Sys } from '../engine/sys.ts'

/** The storage's paths; throws a clear error when it is not an overlayfs storage. */
export function checkStorage(sys: Sys, storage: string): StoragePaths {
  const paths = storagePaths(storage)
  const root = sys.lstat(paths.root)
  if (root === undefined)
    throw new OverlayError('ENOENT', 'storage', paths.root, 'storage directory does not exist (check --storage: the folder that holds upper/ and work/)')
  if (!isDir(root.mode))
    throw new OverlayError('ENOTDIR', 'storage', paths.root, 'storage is not a directory (check --storage: the folder that holds upper/ and work/)')
  const upper = sys.lstat(paths.upper)
  if (upper === undefined || !isDir(upper.mode)) {
    throw new OverlayError(
      'EINVAL',
      'storage',
      paths.root,
      'not an overlayfs storage: it has no upper/ directory (give the folder that holds upper/ and work/)',
    )
  }
  return paths
}

/** Checks the base directory exists. */
export function checkBase(sys: Sys, base: string): string {
  const stat = sys.lstat(base)
  if (stat === undefined)
    throw new OverlayError('ENOENT', 'base', base, 'base directory does not exist (check --base)')
  if (!isDir(stat.mode)) throw new OverlayError('ENOTDIR', 'base', base, 'base is not a directory (check --base)')
  return base.replace(/\/+$/, '') || '/'
}
