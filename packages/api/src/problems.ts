/**
 * The closed set of problem codes every error response carries, declared once: the agent throws
 * them, the dashboard translates them. Every non-2xx JSON body is a Problem.
 */
import { z } from 'zod'
import { openFileSchema } from './common.ts'

export const PROBLEMS = [
  'invalid-input',
  'not-signed-in',
  'access-denied',
  'not-found',
  'conflict',
  'busy',
  'too-large',
  'rate-limited',
  'unavailable',
  'internal-error',
] as const

export type ProblemCode = (typeof PROBLEMS)[number]

/**
 * The HTTP status that usually goes with each problem. One exception: a state-changing request
 * whose body is not JSON is 415 with `invalid-input`.
 */
export const PROBLEM_STATUS: Record<ProblemCode, number> = {
  'invalid-input': 400,
  'not-signed-in': 401,
  'access-denied': 403,
  'not-found': 404,
  conflict: 409,
  busy: 409,
  'too-large': 413,
  'rate-limited': 429,
  unavailable: 503,
  'internal-error': 500,
}

export const problemCodeSchema = z.enum(PROBLEMS)

export const problemSchema = z.object({
  problem: problemCodeSchema,
  /** One sentence for a person: what happened and what to do. Never a stack trace. */
  message: z.string(),
  /** invalid-input: which fields were wrong. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** busy: the open files a revert, reset, undo or restore would strand; resend with force. */
  openFiles: z.array(openFileSchema).optional(),
  /** rate-limited: seconds until the next attempt is allowed (also the Retry-After header). */
  retryAfter: z.number().int().nonnegative().optional(),
})
export type Problem = z.infer<typeof problemSchema>
