/**
 * @layerdeck/api: the agent's HTTP API, shared by the agent (runtime validation) and the
 * dashboard (types; import them with `import type`). Stable: changes are announced in commits.
 */
export { PROBLEMS, PROBLEM_STATUS, problemCodeSchema, problemSchema } from './problems.ts'
export type { ProblemCode, Problem } from './problems.ts'
export {
  MAX_PATH_BYTES,
  MAX_NAME_BYTES,
  ENTRY_TYPES,
  CHANGE_STATES,
  overlayPathSchema,
  entryTypeSchema,
  changeStateSchema,
  fieldChangeSchema,
  writerSchema,
  openFileSchema,
  roleSchema,
  changeSchema,
  queryBoolean,
  queryInt,
} from './common.ts'
export type { EntryType, ChangeState, FieldChange, Writer, OpenFile, Role, Change } from './common.ts'
export {
  healthSchema,
  usernameSchema,
  passwordSchema,
  setupStateSchema,
  setupRequestSchema,
  loginRequestSchema,
  meSchema,
  signedOutSchema,
} from './session.ts'
export type { Health, SetupState, SetupRequest, LoginRequest, Me, SignedOut } from './session.ts'
export { deviceSchema, mountStateSchema, pendingActionSchema } from './device.ts'
export type { Device, MountState, PendingAction } from './device.ts'
export {
  TREE_PAGE_DEFAULT,
  TREE_PAGE_MAX,
  FILE_CONTENT_DEFAULT,
  FILE_CONTENT_MAX,
  treeQuerySchema,
  treeEntrySchema,
  treePageSchema,
  fileQuerySchema,
  fileContentSchema,
  diffQuerySchema,
  contentDiffSchema,
  hunkSchema,
  sideSchema,
  diffSchema,
} from './tree.ts'
export type { TreeQuery, TreeEntry, TreePage, FileQuery, FileContent, DiffQuery, Hunk, ContentDiff, Diff } from './tree.ts'
export {
  CHANGES_PAGE_MAX,
  changesQuerySchema,
  changeCountsSchema,
  changesPageSchema,
  usageQuerySchema,
  usageLevelSchema,
  usageSchema,
} from './changes.ts'
export type { ChangesQuery, ChangeCounts, ChangesPage, UsageQuery, UsageLevel, Usage } from './changes.ts'
export {
  MAX_PATHS,
  RESTORE_UPLOAD_MAX,
  revertRequestSchema,
  revertStepSchema,
  revertResultSchema,
  resetRequestSchema,
  resetResultSchema,
  undoRequestSchema,
  undoResultSchema,
  purgeRequestSchema,
  purgeResultSchema,
  restoreQuerySchema,
  planItemSchema,
  restoreResultSchema,
} from './actions.ts'
export type {
  RevertRequest,
  RevertStep,
  RevertResult,
  ResetRequest,
  ResetResult,
  UndoRequest,
  UndoResult,
  PurgeResult,
  RestoreQuery,
  RestoreResult,
} from './actions.ts'
export { AUDIT_ACTIONS, auditActionSchema, auditEntrySchema, auditQuerySchema, auditPageSchema } from './audit.ts'
export type { AuditAction, AuditEntry, AuditQuery, AuditPage } from './audit.ts'
export {
  EVENT_KINDS,
  eventKindSchema,
  eventDataSchemas,
  changeEventSchema,
  actionEventSchema,
  usageEventSchema,
  mountEventSchema,
  resyncEventSchema,
} from './events.ts'
export type {
  EventKind,
  ChangeEvent,
  ActionEvent,
  UsageEvent,
  MountEvent,
  ResyncEvent,
  EventDataByKind,
  AgentEvent,
} from './events.ts'
export { endpoints } from './endpoints.ts'
export type { Endpoint, EndpointName, Access } from './endpoints.ts'
export { buildOpenApi } from './openapi.ts'
