import type { Layers } from './layers.ts'
import type { Snapshots } from './snapshots.ts'
import type { Staging } from './staging.ts'
import type { StoragePaths } from './storageFormat.ts'
import type { Sys } from './sys.ts'

/** What every engine module works with: the system calls, the layers and the staging area. */
export interface OverlayContext {
  sys: Sys
  layers: Layers
  staging: Staging
  paths: StoragePaths
  /** Called after a base entry was copied up, so open handles can follow it. */
  onCopiedUp(path: string, upperReal: string): void
  /** Called after a storage file got a new inode at the same path (snapshots.ts): handles follow. */
  reopened?(path: string, real: string): void
  /** Live snapshots of the storage (the daemon's), when any can be taken. */
  snapshots?: Snapshots
  /** The user of the request being served (new entries become theirs), when the binding knows. */
  caller?: () => Caller | undefined
}

export interface Caller {
  uid: number
  gid: number
  /** The process that made the request (0 when unknown). */
  pid: number
}
