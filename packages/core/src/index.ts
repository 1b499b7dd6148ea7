export { Overlay } from './engine/Overlay.ts'
export type { OverlayOptions } from './engine/Overlay.ts'
export type { Attr } from './engine/attr.ts'
export type { ChangeEvent, ChangeKind, ChangeListener } from './engine/events.ts'
export { OverlayError, errorCode, hasCode } from './engine/OverlayError.ts'
export { normalizeMergedPath, isWithin, joinPath, parentOf, nameOf } from './engine/mergedPath.ts'
export {
  storagePaths,
  isWhiteoutStat,
  isPrivateXattr,
  isOpaqueValue,
  OPAQUE_XATTR,
  REDIRECT_XATTR,
  UPPER_DIR,
  WORK_DIR,
} from './engine/storageFormat.ts'
export type { StoragePaths } from './engine/storageFormat.ts'
export type { Sys, FileStat, FsStats } from './engine/sys.ts'
export { createNodeSys } from './sys/nodeSys.ts'
