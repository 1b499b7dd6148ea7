/** GET /api/backup, POST /api/restore (admin). */
import { rmSync } from 'node:fs'
import { Router } from 'express'
import { endpoints, restoreQuerySchema, restoreResultSchema } from '@layerdeck/api'
import type { AgentContext } from '../../context.ts'
import { parseQuery, sendJson } from '../../http/validate.ts'
import { explainDaemonError } from '../actions/actions.ts'
import { requireAccess } from '../auth/auth.ts'
import { receiveUpload, restore, sendBackup } from './backup.ts'

export function backupRoutes(ctx: AgentContext): Router {
  const r = Router()
  const admin = requireAccess('admin')
  r.get(endpoints.backup.path, admin, async (_req, res) => {
    await sendBackup(ctx, res)
  })
  r.post(endpoints.restore.path, admin, async (req, res) => {
    const q = parseQuery(restoreQuerySchema, req)
    const archive = await receiveUpload(ctx, req)
    try {
      const result = await restore(ctx, archive, q).catch((err: unknown) => {
        throw explainDaemonError(err)
      })
      sendJson(res, restoreResultSchema, result)
    } finally {
      rmSync(archive, { force: true })
    }
  })
  return r
}
