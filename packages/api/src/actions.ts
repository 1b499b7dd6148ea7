/**
 * What changes the storage: revert, reset, undo, purge, restore (admin only). Each first looks
 * at the open files the change would strand: with any, the answer is 409 busy with `openFiles`
 * and nothing changes; send the same request with `force: true` to go ahead. A dry run answers
 * the plan and the same `openFiles`. On a storage the kernel mounted, revert and reset are
 * recorded for the next boot when `atNextBoot` is true (and refused with 409 otherwise).
 */
import { z } from 'zod'
import { changeSchema, openFileSchema, overlayPathSchema, queryBoolean } from './common.ts'

export const MAX_PATHS = 1000

export const revertRequestSchema = z.object({
  paths: z.array(overlayPathSchema).min(1).max(MAX_PATHS),
  /** Also remove entries that exist only in storage (added). */
  added: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  force: z.boolean().optional(),
  atNextBoot: z.boolean().optional(),
})
export type RevertRequest = z.infer<typeof revertRequestSchema>

export const revertStepSchema = z.object({
  path: z.string(),
  /** restore (base version back), undelete (whiteout gone), remove (added entry gone), tree (a folder entry by entry), unchanged (nothing to do). */
  action: z.enum(['restore', 'undelete', 'remove', 'tree', 'unchanged']),
})
export type RevertStep = z.infer<typeof revertStepSchema>

export const revertResultSchema = z.object({
  dryRun: z.boolean(),
  /** Something was changed (false for a dry run, an at-next-boot record, or nothing to do). */
  applied: z.boolean(),
  /** Recorded for the next boot instead of applied now (kernel-mounted storage). */
  atNextBoot: z.boolean(),
  steps: z.array(revertStepSchema),
  openFiles: z.array(openFileSchema),
})
export type RevertResult = z.infer<typeof revertResultSchema>

export const resetRequestSchema = z.object({
  /** Paths whose current state survives the reset. */
  keep: z.array(overlayPathSchema).max(MAX_PATHS).optional(),
  dryRun: z.boolean().optional(),
  force: z.boolean().optional(),
  atNextBoot: z.boolean().optional(),
})
export type ResetRequest = z.infer<typeof resetRequestSchema>

export const resetResultSchema = z.object({
  dryRun: z.boolean(),
  applied: z.boolean(),
  atNextBoot: z.boolean(),
  /** Kept paths that held something in storage. */
  kept: z.array(z.string()),
  /** Kept paths with nothing in storage (their base version stays anyway). */
  notInStorage: z.array(z.string()),
  /** The changes that go (null when not known, as for an at-next-boot record). */
  goes: z.array(changeSchema).nullable(),
  /** Bytes freed once the undo state is purged. */
  frees: z.number(),
  /** Undo is possible (POST /api/reset/undo) until purged. */
  undoable: z.boolean(),
  openFiles: z.array(openFileSchema),
})
export type ResetResult = z.infer<typeof resetResultSchema>

export const undoRequestSchema = z.object({ force: z.boolean().optional() })
export type UndoRequest = z.infer<typeof undoRequestSchema>

export const undoResultSchema = z.object({
  applied: z.literal(true),
  /** A second undo redoes the reset. */
  undoable: z.boolean(),
})
export type UndoResult = z.infer<typeof undoResultSchema>

export const purgeRequestSchema = z.object({})
export const purgeResultSchema = z.object({ freed: z.number() })
export type PurgeResult = z.infer<typeof purgeResultSchema>

/** POST /api/restore: the body is the .tar.gz (application/gzip), streamed. */
export const restoreQuerySchema = z.object({
  dryRun: queryBoolean,
  /** Also remove storage changes the backup does not have: the storage becomes the backup. */
  replace: queryBoolean,
  force: queryBoolean,
})
export type RestoreQuery = z.input<typeof restoreQuerySchema>

export const planItemSchema = z.object({
  path: z.string(),
  kind: z.string(),
  /** A replaced entry whose type changes: what it was. */
  was: z.string().optional(),
})

export const restoreResultSchema = z.object({
  dryRun: z.boolean(),
  applied: z.boolean(),
  replace: z.boolean(),
  plan: z.object({
    added: z.array(planItemSchema),
    replaced: z.array(planItemSchema),
    removed: z.array(planItemSchema),
    removedEntries: z.number(),
    unchanged: z.number(),
  }),
  /** Entries and data bytes in the archive. */
  entries: z.number(),
  bytes: z.number(),
  /** Undo with POST /api/reset/undo (a restore is undone like a reset). */
  undoable: z.boolean(),
  openFiles: z.array(openFileSchema),
})
export type RestoreResult = z.infer<typeof restoreResultSchema>

/** Largest restore upload the agent accepts by default (bytes); `serve --max-upload` changes it. */
export const RESTORE_UPLOAD_MAX = 1024 * 1024 * 1024
