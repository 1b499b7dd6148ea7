/** POST /api/revert, /api/reset, /api/reset/undo, /api/reset/purge (admin). */
import { Router } from 'express'
import {
  endpoints,
  purgeRequestSchema,
  purgeResultSchema,
  resetRequestSchema,
  resetResultSchema,
  revertRequestSchema,
  revertResultSchema,
  undoRequestSchema,
  undoResultSchema,
} from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'
import { parseBody, sendJson } from '../../http/validate.ts'
import { requireAccess } from '../auth/auth.ts'
import { explainDaemonError, purge, reset, revert, undo } from './actions.ts'

export function actionRoutes(ctx: AgentContext): Router {
  const r = Router()
  const admin = requireAccess('admin')
  r.post(endpoints.revert.path, admin, async (req, res) => {
    const body = parseBody(revertRequestSchema, req)
    res.locals.auditPaths = body.paths
    sendJson(res, revertResultSchema, await revert(ctx, body).catch(rethrow))
  })
  r.post(endpoints.reset.path, admin, async (req, res) => {
    const body = parseBody(resetRequestSchema, req)
    res.locals.auditPaths = body.keep ?? []
    sendJson(res, resetResultSchema, await reset(ctx, body).catch(rethrow))
  })
  r.post(endpoints.undo.path, admin, async (req, res) => {
    const body = parseBody(undoRequestSchema, req)
    sendJson(res, undoResultSchema, await undo(ctx, body.force === true).catch(rethrow))
  })
  r.post(endpoints.purge.path, admin, async (req, res) => {
    parseBody(purgeRequestSchema, req)
    sendJson(res, purgeResultSchema, await purge(ctx).catch(rethrow))
  })
  return r
}

const rethrow = (err: unknown): never => {
  throw explainDaemonError(err)
}
