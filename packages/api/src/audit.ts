/** The audit log: who did what, from where, when, on which paths, with what result. */
import { z } from 'zod'
import { problemCodeSchema } from './problems.ts'
import { queryInt, roleSchema } from './common.ts'

export const AUDIT_ACTIONS = [
  'setup',
  'login',
  'logout',
  'revert',
  'reset',
  'undo',
  'purge',
  'backup',
  'restore',
] as const
export const auditActionSchema = z.enum(AUDIT_ACTIONS)
export type AuditAction = z.infer<typeof auditActionSchema>

export const auditEntrySchema = z.object({
  /** Increasing; page with ?before=id. */
  id: z.number().int().positive(),
  /** ISO 8601. */
  time: z.string(),
  /** The account (for a failed login: the name tried); null when nobody was signed in. */
  user: z.string().nullable(),
  role: roleSchema.nullable(),
  via: z.enum(['cookie', 'token']).nullable(),
  /** The client's address. */
  address: z.string(),
  action: auditActionSchema,
  paths: z.array(z.string()),
  dryRun: z.boolean(),
  /** ok: done; refused: not allowed or invalid (nothing changed); failed: went wrong (see problem). */
  result: z.enum(['ok', 'refused', 'failed']),
  status: z.number().int(),
  problem: problemCodeSchema.nullable(),
  message: z.string().nullable(),
})
export type AuditEntry = z.infer<typeof auditEntrySchema>

export const auditQuerySchema = z.object({
  limit: queryInt(1, 500, 100),
  /** Only entries older than this id (0: from the newest). */
  before: queryInt(0, 999_999_999, 0),
})
export type AuditQuery = z.input<typeof auditQuerySchema>

export const auditPageSchema = z.object({
  /** Newest first. */
  entries: z.array(auditEntrySchema),
  /** Pass as ?before= for the next (older) page; null at the end. */
  next: z.number().int().nullable(),
})
export type AuditPage = z.infer<typeof auditPageSchema>
