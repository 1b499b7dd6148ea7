/**
 * GET /api/events: server-sent events. Each event is named by its kind (`event: change`) and
 * carries JSON data with at least `path` and `time`. Ids are opaque; a reconnect with
 * `Last-Event-ID` gets what it missed, or one `resync` event when that is no longer known (the
 * agent restarted, or too much happened): refetch everything then.
 */
import { z } from 'zod'
import { usageLevelSchema } from './changes.ts'
import { writerSchema } from './common.ts'

export const EVENT_KINDS = [
  'change',
  'revert',
  'reset',
  'undo',
  'purge',
  'restore',
  'usage',
  'mount',
  'resync',
] as const
export const eventKindSchema = z.enum(EVENT_KINDS)
export type EventKind = z.infer<typeof eventKindSchema>

/** A change made through the mount, by a program on the device. */
export const changeEventSchema = z.object({
  path: z.string(),
  /** For renames: the new path. */
  to: z.string().optional(),
  change: z.enum(['create', 'modify', 'delete', 'rename', 'metadata', 'mkdir']),
  time: z.number(),
  /** Who made it, when the daemon knows (pid, uid, command name). */
  writer: writerSchema.optional(),
})
export type ChangeEvent = z.infer<typeof changeEventSchema>

/** revert (one per reverted path), reset, undo, purge, restore (path '/'). */
export const actionEventSchema = z.object({ path: z.string(), time: z.number() })
export type ActionEvent = z.infer<typeof actionEventSchema>

/** The storage crossed a usage threshold (up or down). */
export const usageEventSchema = z.object({
  path: z.literal('/'),
  time: z.number(),
  level: usageLevelSchema,
  usedPercent: z.number(),
})
export type UsageEvent = z.infer<typeof usageEventSchema>

/** The mount came back or went away. */
export const mountEventSchema = z.object({
  path: z.literal('/'),
  time: z.number(),
  mounted: z.boolean(),
  state: z.enum(['mounted', 'kernel', 'gone']),
})
export type MountEvent = z.infer<typeof mountEventSchema>

export const resyncEventSchema = z.object({ path: z.literal('/'), time: z.number() })
export type ResyncEvent = z.infer<typeof resyncEventSchema>

export const eventDataSchemas = {
  change: changeEventSchema,
  revert: actionEventSchema,
  reset: actionEventSchema,
  undo: actionEventSchema,
  purge: actionEventSchema,
  restore: actionEventSchema,
  usage: usageEventSchema,
  mount: mountEventSchema,
  resync: resyncEventSchema,
} as const satisfies Record<EventKind, z.ZodType>

export interface EventDataByKind {
  change: ChangeEvent
  revert: ActionEvent
  reset: ActionEvent
  undo: ActionEvent
  purge: ActionEvent
  restore: ActionEvent
  usage: UsageEvent
  mount: MountEvent
  resync: ResyncEvent
}

/** One event as the dashboard's stream hands it on. */
export type AgentEvent = { [K in EventKind]: { kind: K; id: string; data: EventDataByKind[K] } }[EventKind]
