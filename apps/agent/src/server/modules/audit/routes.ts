/** GET /api/audit (admin), and the middleware that writes every state-changing request to the log. */
import { Router, type RequestHandler } from 'express'
import { auditPageSchema, auditQuerySchema, endpoints, type AuditAction, type ProblemCode } from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'
import { clientAddress } from '../../http/address.ts'
import { parseQuery, sendJson } from '../../http/validate.ts'
import { authOf, requireAccess } from '../auth/auth.ts'

export function auditRoutes(ctx: AgentContext): Router {
  const r = Router()
  r.get(endpoints.audit.path, requireAccess('admin'), (req, res) => {
    const q = parseQuery(auditQuerySchema, req)
    sendJson(res, auditPageSchema, ctx.audit.page(q.limit, q.before))
  })
  return r
}

const ACTIONS: Record<string, AuditAction> = {
  'POST /api/setup': 'setup',
  'POST /api/session': 'login',
  'DELETE /api/session': 'logout',
  'POST /api/revert': 'revert',
  'POST /api/reset': 'reset',
  'POST /api/reset/undo': 'undo',
  'POST /api/reset/purge': 'purge',
  'POST /api/restore': 'restore',
  'GET /api/backup': 'backup',
}

/**
 * Records each audited request when its answer is sent: who (or the name tried), from where,
 * what, on which paths (routes set res.locals.auditPaths), and the result. A successful
 * login is recorded too; so is every refusal (not signed in, wrong role, CSRF, bad input).
 */
export function auditTrail(ctx: AgentContext): RequestHandler {
  return (req, res, next) => {
    const action = ACTIONS[`${req.method} ${req.path}`]
    if (action === undefined) return next()
    res.on('finish', () => {
      const auth = authOf(res)
      const status = res.statusCode
      const problem = (res.locals.problem as ProblemCode | undefined) ?? null
      const body = req.body as { dryRun?: unknown } | undefined
      const dryRun = body?.dryRun === true || req.query.dryRun === 'true' || req.query.dryRun === '1'
      try {
        ctx.audit.record({
          user: auth?.user ?? (res.locals.auditUser as string | undefined) ?? null,
          role: auth?.role ?? null,
          via: auth?.via ?? null,
          address: clientAddress(req),
          action,
          paths: (res.locals.auditPaths as string[] | undefined) ?? [],
          dryRun,
          result: status < 400 ? 'ok' : status >= 500 || problem === 'busy' || problem === 'conflict' ? 'failed' : 'refused',
          status,
          problem,
          message: (res.locals.problemMessage as string | undefined) ?? null,
        })
      } catch (err) {
        ctx.log.error({ err }, 'cannot write the audit log')
      }
    })
    next()
  }
}
