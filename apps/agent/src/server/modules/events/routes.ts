/** GET /api/events: the live stream (viewer). */
import { Router } from 'express'
import { endpoints } from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'
import { requireAccess } from '../auth/auth.ts'

export function eventRoutes(ctx: AgentContext): Router {
  const r = Router()
  r.get(endpoints.events.path, requireAccess('viewer'), (req, res) => {
    const last = req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined)
    ctx.events.subscribe(res, last)
  })
  return r
}
