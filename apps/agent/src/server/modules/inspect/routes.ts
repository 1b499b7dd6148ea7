/** GET /api/tree, /api/changes, /api/file, /api/diff, /api/usage (viewer). */
import { Router } from 'express'
import { readFileContent } from '@layerdeck/core'
import {
  changesPageSchema,
  changesQuerySchema,
  diffQuerySchema,
  diffSchema,
  endpoints,
  fileContentSchema,
  fileQuerySchema,
  treePageSchema,
  treeQuerySchema,
  usageQuerySchema,
  usageSchema,
} from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'
import { parseQuery, sendJson } from '../../http/validate.ts'
import { requireAccess } from '../auth/auth.ts'
import { changesPage, diffOf, usageOf, viewOf } from './inspect.ts'

export function inspectRoutes(ctx: AgentContext): Router {
  const r = Router()
  const viewer = requireAccess('viewer')
  r.get(endpoints.tree.path, viewer, (req, res) => {
    const q = parseQuery(treeQuerySchema, req)
    sendJson(res, treePageSchema, ctx.tree.list(viewOf(ctx), q.path, q.offset, q.limit, q.q))
  })
  r.get(endpoints.changes.path, viewer, (req, res) => {
    const q = parseQuery(changesQuerySchema, req)
    sendJson(res, changesPageSchema, changesPage(ctx, q.offset, q.limit))
  })
  r.get(endpoints.file.path, viewer, (req, res) => {
    const q = parseQuery(fileQuerySchema, req)
    sendJson(res, fileContentSchema, readFileContent(viewOf(ctx), q.path, q.side, q.limit))
  })
  r.get(endpoints.diff.path, viewer, (req, res) => {
    const q = parseQuery(diffQuerySchema, req)
    sendJson(res, diffSchema, diffOf(ctx, q.path))
  })
  r.get(endpoints.usage.path, viewer, (req, res) => {
    const q = parseQuery(usageQuerySchema, req)
    sendJson(res, usageSchema, usageOf(ctx, q.top))
  })
  return r
}
