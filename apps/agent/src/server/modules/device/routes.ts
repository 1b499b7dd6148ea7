/** GET /api/health (anyone), GET /api/device (viewer), GET /api/openapi.json (anyone). */
import { Router } from 'express'
import { buildOpenApi, deviceSchema, endpoints, healthSchema } from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'
import { sendJson } from '../../http/validate.ts'
import { requireAccess } from '../auth/auth.ts'
import { device, health } from './device.ts'

export function deviceRoutes(ctx: AgentContext): Router {
  const r = Router()
  r.get(endpoints.health.path, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    sendJson(res, healthSchema, health(ctx))
  })
  r.get(endpoints.device.path, requireAccess('viewer'), (_req, res) => {
    sendJson(res, deviceSchema, device(ctx))
  })
  let doc: string | undefined
  r.get(endpoints.openapi.path, (_req, res) => {
    doc ??= JSON.stringify(buildOpenApi(ctx.config.version))
    res.type('application/json').send(doc)
  })
  return r
}
