/**
 * GET / and the dashboard's assets: the build in apps/dashboard/dist served with its
 * pre-compressed .br/.gz files and an SPA fallback (sirv); until a build exists, a plain page
 * that says so. index.html is looked at again every few seconds, so a build made (or remade)
 * while the agent runs is picked up.
 */
import { existsSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { RequestHandler } from 'express'
import sirv from 'sirv'

const RECHECK_MS = 5000

/**
 * LAYERDECK_DASHBOARD_DIR, else `dashboard/` beside the device bundle (layerdeck.mjs), else the
 * checkout's apps/dashboard/dist.
 */
export function defaultDashboardDir(): string {
  if (process.env.LAYERDECK_DASHBOARD_DIR !== undefined) return process.env.LAYERDECK_DASHBOARD_DIR
  const besideBundle = fileURLToPath(new URL('./dashboard', import.meta.url))
  if (import.meta.url.endsWith('.mjs') && existsSync(`${besideBundle}/index.html`)) return besideBundle
  return fileURLToPath(new URL('../../../../dashboard/dist', import.meta.url))
}

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>LayerDeck</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>LayerDeck agent</h1>
<p>The agent is running, but the dashboard has not been built yet.</p>
<p>Build it with <code>pnpm --filter @layerdeck/dashboard build</code> (it lands in <code>apps/dashboard/dist</code>),
or use the API: <a href="/api/openapi.json">/api/openapi.json</a> describes it, <a href="/api/health">/api/health</a> answers without signing in.</p>
</body></html>
`

export function dashboard(dir: string, recheckMs = RECHECK_MS): RequestHandler {
  let handler: RequestHandler | undefined
  let built = -1 // index.html's mtime the handler was made for
  let checkedAt = 0
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next()
    if (Date.now() - checkedAt > recheckMs) {
      checkedAt = Date.now()
      // A new build writes new hashed asset names: sirv lists the files once, so it is made again.
      const mtime = indexMtime(dir)
      if (mtime !== built) {
        built = mtime
        handler = mtime < 0 ? undefined : sirvHandler(dir)
      }
    }
    if (handler !== undefined) return handler(req, res, next)
    res.status(200).type('text/html').send(PLACEHOLDER)
  }
}

function indexMtime(dir: string): number {
  try {
    return statSync(`${dir}/index.html`).mtimeMs
  } catch {
    return -1
  }
}

function sirvHandler(dir: string): RequestHandler {
  const serve = sirv(dir, { single: true, gzip: true, brotli: true, etag: true, dev: false })
  return (rq, rs, nx) => serve(rq, rs, nx)
}
