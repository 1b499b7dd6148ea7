/** The flat change list and where the storage's space goes. */
import { z } from 'zod'
import { changeSchema, changeStateSchema, queryInt } from './common.ts'

export const CHANGES_PAGE_MAX = 5000

export const changesQuerySchema = z.object({
  offset: queryInt(0, 100_000_000, 0),
  limit: queryInt(1, CHANGES_PAGE_MAX, 1000),
})
export type ChangesQuery = z.input<typeof changesQuerySchema>

export const changeCountsSchema = z.record(changeStateSchema, z.number().int().nonnegative())
export type ChangeCounts = z.infer<typeof changeCountsSchema>

export const changesPageSchema = z.object({
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  /** Over the whole list, not only this page. */
  counts: changeCountsSchema,
  /** Sorted by path, parents before children. */
  changes: z.array(changeSchema),
})
export type ChangesPage = z.infer<typeof changesPageSchema>

export const usageQuerySchema = z.object({ top: queryInt(1, 100, 10) })
export type UsageQuery = z.input<typeof usageQuerySchema>

export const usageLevelSchema = z.enum(['ok', 'warn', 'critical'])
export type UsageLevel = z.infer<typeof usageLevelSchema>

export const usageSchema = z.object({
  filesystem: z.object({
    size: z.number(),
    used: z.number(),
    available: z.number(),
    usedPercent: z.number(),
  }),
  /** Bytes allocated by the storage's changes (hard links once). */
  held: z.number(),
  /** Top-level folders of the storage, largest first. */
  byFolder: z.array(z.object({ folder: z.string(), bytes: z.number(), entries: z.number() })),
  largest: z.array(z.object({ path: z.string(), bytes: z.number(), size: z.number() })),
  changes: changeCountsSchema.nullable(),
  /** Bytes a reset gives back once its undo state is purged. */
  resetFrees: z.number(),
  /** Bytes the undo state of the last reset holds (freed by purge). */
  undoHeld: z.number(),
  thresholds: z.object({ warnPercent: z.number(), criticalPercent: z.number() }),
  level: usageLevelSchema,
  warnings: z.array(z.string()),
})
export type Usage = z.infer<typeof usageSchema>
