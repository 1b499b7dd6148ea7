export { Overlay } from './engine/Overlay.ts'
export type { OverlayOptions } from './engine/Overlay.ts'
export type { Attr } from './engine/attr.ts'
export type { ChangeEvent, ChangeKind, ChangeListener, Writer } from './engine/events.ts'
export { encodeName, decodeName, displayPath, hasRawBytes, isWellFormed } from './engine/byteNames.ts'
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
export { createBackup, backupToFile, restoreBackup, BackupError, DEFAULT_RESTORE_LIMITS } from './backup/index.ts'
export type { BackupOptions, BackupProgress, BackupResult, RestoreOptions, RestoreProgress, RestoreResult, RestorePlan, PlanItem, RestoreLimits } from './backup/index.ts'
export { listChanges, changesUnder, entryType, CHANGE_STATES } from './inspect/changes.ts'
export type { Change, ChangeState, ChangeQuery, EntryType } from './inspect/changes.ts'
export type { FieldChange, MetadataField } from './inspect/compare.ts'
export { diffPath, diffChange, MAX_TEXT_BYTES } from './inspect/diff.ts'
export type { PathDiff, ContentDiff, Hunk, Side } from './inspect/diff.ts'
export { storageUsage, copyUpFits, filesystemSpace, WARN_PERCENT, CRITICAL_PERCENT } from './inspect/usage.ts'
export type { Usage, Fit, FilesystemSpace, UsageQuery } from './inspect/usage.ts'
export { checkStorage, checkBase } from './inspect/storage.ts'
export { openStorageContext } from './undo/context.ts'
export { planRevert, applyRevert, revertPaths } from './undo/revert.ts'
export type { RevertOptions, RevertStep, RevertAction } from './undo/revert.ts'
export { resetStorage, undoReset, purgeResets, undoStates, autoPurge, AUTO_PURGE_PERCENT } from './undo/reset.ts'
export type { ResetOptions, ResetResult, UndoResult } from './undo/reset.ts'
export { recoverStorage } from './undo/recover.ts'
export type { Recovery } from './undo/recover.ts'
export { addPending, readPending, prepareForMount } from './undo/pending.ts'
export type { PendingAction } from './undo/pending.ts'
export { openControl, request, call, watch } from './control/client.ts'
export type { RequestBody } from './control/client.ts'
export { locateStorage, findKernelMount, readMountRecord, toOverlayPath, requireBase, refuseKernelMounted } from './control/locate.ts'
export type { StorageTarget, StorageMode, KernelMount } from './control/locate.ts'
export { socketPath } from './control/protocol.ts'
export type { ControlEvent, ControlRequest, ControlResponse, ControlError, MountInfo, OpenFile } from './control/protocol.ts'
