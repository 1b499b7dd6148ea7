/**
 * Every endpoint of the agent, once: method, path, who may call it, its query and body schemas
 * and its response. The agent validates against these; GET /api/openapi.json is generated from
 * them (openapi.ts).
 */
import type { z } from 'zod'
import {
  purgeRequestSchema,
  purgeResultSchema,
  resetRequestSchema,
  resetResultSchema,
  restoreQuerySchema,
  restoreResultSchema,
  revertRequestSchema,
  revertResultSchema,
  undoRequestSchema,
  undoResultSchema,
} from './actions.ts'
import { auditPageSchema, auditQuerySchema } from './audit.ts'
import { changesPageSchema, changesQuerySchema, usageQuerySchema, usageSchema } from './changes.ts'
import { deviceSchema } from './device.ts'
import type { ProblemCode } from './problems.ts'
import {
  healthSchema,
  loginRequestSchema,
  meSchema,
  setupRequestSchema,
  setupStateSchema,
  signedOutSchema,
} from './session.ts'
import {
  diffQuerySchema,
  diffSchema,
  fileContentSchema,
  fileQuerySchema,
  treePageSchema,
  treeQuerySchema,
} from './tree.ts'

/** anyone: no account needed; viewer: any signed-in account; admin: the admin role. */
export type Access = 'anyone' | 'signed-in' | 'viewer' | 'admin'

export interface Endpoint {
  method: 'get' | 'post' | 'delete'
  path: string
  summary: string
  access: Access
  query?: z.ZodType
  /** JSON body schema; 'gzip' for a streamed .tar.gz upload. */
  body?: z.ZodType | 'gzip'
  /** JSON response schema, or the streamed media type. */
  response: z.ZodType | 'application/gzip' | 'text/event-stream' | 'application/json'
  /** Problems this endpoint answers besides the ones every endpoint can. */
  problems: ProblemCode[]
}

const PATHS: ProblemCode[] = ['invalid-input', 'not-found']
const CHANGING: ProblemCode[] = ['invalid-input', 'conflict', 'busy', 'unavailable']

export const endpoints = {
  health: { method: 'get', path: '/api/health', summary: 'Is the agent up, is the mount served', access: 'anyone', response: healthSchema, problems: [] },
  openapi: { method: 'get', path: '/api/openapi.json', summary: 'This document', access: 'anyone', response: 'application/json', problems: [] },
  setupState: { method: 'get', path: '/api/setup', summary: 'Whether the first admin must still be created', access: 'anyone', response: setupStateSchema, problems: [] },
  setup: { method: 'post', path: '/api/setup', summary: 'Create the first admin with the one-time setup token (signs in)', access: 'anyone', body: setupRequestSchema, response: meSchema, problems: ['invalid-input', 'access-denied', 'conflict', 'rate-limited'] },
  login: { method: 'post', path: '/api/session', summary: 'Sign in (sets the session cookie)', access: 'anyone', body: loginRequestSchema, response: meSchema, problems: ['invalid-input', 'not-signed-in', 'rate-limited'] },
  me: { method: 'get', path: '/api/session', summary: 'Who is signed in', access: 'signed-in', response: meSchema, problems: [] },
  logout: { method: 'delete', path: '/api/session', summary: 'Sign out (ends the session on the agent)', access: 'signed-in', response: signedOutSchema, problems: [] },
  device: { method: 'get', path: '/api/device', summary: 'Hostname, firmware, mount and storage state, version, uptime', access: 'viewer', response: deviceSchema, problems: [] },
  tree: { method: 'get', path: '/api/tree', summary: 'One merged directory, sorted and paged, each entry with its state', access: 'viewer', query: treeQuerySchema, response: treePageSchema, problems: PATHS },
  changes: { method: 'get', path: '/api/changes', summary: 'Every change compared with the base, with counts by kind', access: 'viewer', query: changesQuerySchema, response: changesPageSchema, problems: ['invalid-input', 'unavailable'] },
  file: { method: 'get', path: '/api/file', summary: "A file's base or current content (size-capped), stat and hash", access: 'viewer', query: fileQuerySchema, response: fileContentSchema, problems: PATHS },
  diff: { method: 'get', path: '/api/diff', summary: 'What changed at a path: text hunks, binary sizes and hashes, metadata fields; a folder gives its changes', access: 'viewer', query: diffQuerySchema, response: diffSchema, problems: PATHS },
  usage: { method: 'get', path: '/api/usage', summary: "Where the storage's space goes, thresholds, what a reset frees", access: 'viewer', query: usageQuerySchema, response: usageSchema, problems: [] },
  revert: { method: 'post', path: '/api/revert', summary: 'Bring back the base version of paths (plan with dryRun)', access: 'admin', body: revertRequestSchema, response: revertResultSchema, problems: [...CHANGING, 'not-found'] },
  reset: { method: 'post', path: '/api/reset', summary: 'Factory reset, undoable until purged (plan with dryRun)', access: 'admin', body: resetRequestSchema, response: resetResultSchema, problems: CHANGING },
  undo: { method: 'post', path: '/api/reset/undo', summary: 'Put back the state before the last reset or restore', access: 'admin', body: undoRequestSchema, response: undoResultSchema, problems: [...CHANGING, 'not-found'] },
  purge: { method: 'post', path: '/api/reset/purge', summary: 'Delete the undo state (frees its space)', access: 'admin', body: purgeRequestSchema, response: purgeResultSchema, problems: CHANGING },
  backup: { method: 'get', path: '/api/backup', summary: 'The storage as the .tar.gz `layerdeck backup` writes (raw, no Content-Encoding)', access: 'admin', response: 'application/gzip', problems: ['unavailable'] },
  restore: { method: 'post', path: '/api/restore', summary: 'Upload a backup (streamed, capped, checked whole); dryRun gives the plan', access: 'admin', query: restoreQuerySchema, body: 'gzip', response: restoreResultSchema, problems: [...CHANGING, 'too-large'] },
  audit: { method: 'get', path: '/api/audit', summary: 'Who did what, from where, when, newest first', access: 'admin', query: auditQuerySchema, response: auditPageSchema, problems: ['invalid-input'] },
  events: { method: 'get', path: '/api/events', summary: 'Server-sent events: changes through the mount (with the writer), actions, usage, mount up/down', access: 'viewer', response: 'text/event-stream', problems: [] },
} as const satisfies Record<string, Endpoint>

export type EndpointName = keyof typeof endpoints
