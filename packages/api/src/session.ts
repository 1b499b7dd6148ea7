/** Health, first-run setup, signing in and out. */
import { z } from 'zod'
import { roleSchema } from './common.ts'

export const healthSchema = z.object({
  /** degraded: the agent answers but the mount is gone or the storage is missing. */
  status: z.enum(['ok', 'degraded']),
  mounted: z.boolean(),
  /** persistent flash or disk, ram (tmpfs: changes vanish at reboot), kernel (mounted by the kernel: read-only here), missing. */
  storage: z.enum(['persistent', 'ram', 'kernel', 'missing']),
  version: z.string(),
  /** Why the status is degraded, one sentence each. */
  reasons: z.array(z.string()),
})
export type Health = z.infer<typeof healthSchema>

/** Account names: letters, digits, '_', '.', '-'; starting with a letter or '_'. */
export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, 'a name of 1-32 letters, digits, _ . - (not starting with a digit)')
export const passwordSchema = z.string().min(8, 'at least 8 characters').max(1024)

export const setupStateSchema = z.object({
  /** No admin exists yet: POST /api/setup with the token the agent printed creates one. */
  needed: z.boolean(),
})
export type SetupState = z.infer<typeof setupStateSchema>

export const setupRequestSchema = z.object({
  token: z.string().min(1).max(256),
  username: usernameSchema,
  password: passwordSchema,
})
export type SetupRequest = z.infer<typeof setupRequestSchema>

export const loginRequestSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
})
export type LoginRequest = z.infer<typeof loginRequestSchema>

/** Who is signed in. */
export const meSchema = z.object({
  username: z.string(),
  role: roleSchema,
  /** cookie: a browser session; token: a bearer token (scripts). */
  via: z.enum(['cookie', 'token']),
  /** Milliseconds since the epoch when an idle cookie session ends (null for tokens). */
  idleExpiresAt: z.number().int().nullable(),
})
export type Me = z.infer<typeof meSchema>

export const signedOutSchema = z.object({ signedOut: z.literal(true) })
export type SignedOut = z.infer<typeof signedOutSchema>
