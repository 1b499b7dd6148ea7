/**
 * The composition root: builds every module of the agent from one config and wires them into
 * an Express app. `start()` attaches to the daemon (or starts it), `listen()` serves HTTP(S),
 * `stop()` closes everything (and stops a daemon only if this agent started it).
 */
import { createServer as createHttp, type Server } from 'node:http'
import { createServer as createHttps } from 'node:https'
import { realpathSync } from 'node:fs'
import express, { type Express } from 'express'
import { createNodeSys, filesystemSpace, storagePaths, TreeLister, type ControlEvent } from '@layerdeck/core'
import type { AgentContext, AgentConfig, Logger } from './context.ts'
import { Accounts } from './data/accounts.ts'
import { dataFiles, ensureDataDir } from './data/dataDir.ts'
import { loadSecret } from './data/secret.ts'
import { DaemonLink, type LinkState } from './daemon/DaemonLink.ts'
import { ownCommand } from './daemon/mountChild.ts'
import { dashboard, defaultDashboardDir } from './http/dashboard.ts'
import { ApiError } from './http/ApiError.ts'
import { errorHandler } from './http/errors.ts'
import { csrf, securityHeaders } from './http/security.ts'
import { setResponseChecks } from './http/validate.ts'
import { actionRoutes } from './modules/actions/routes.ts'
import { AuditLog } from './modules/audit/audit.ts'
import { auditRoutes, auditTrail } from './modules/audit/routes.ts'
import { authenticate } from './modules/auth/auth.ts'
import { FailureLimiter } from './modules/auth/rateLimit.ts'
import { authRoutes } from './modules/auth/routes.ts'
import { Sessions } from './modules/auth/sessions.ts'
import { SetupToken } from './modules/auth/setupToken.ts'
import { backupRoutes } from './modules/backup/routes.ts'
import { deviceRoutes } from './modules/device/routes.ts'
import { EventHub } from './modules/events/events.ts'
import { eventRoutes } from './modules/events/routes.ts'
import { inspectRoutes } from './modules/inspect/routes.ts'
import { usageLevel } from './modules/inspect/inspect.ts'

export interface Agent {
  app: Express
  ctx: AgentContext
  /** Attaches to the daemon (or starts it); prints the setup token when no admin exists. */
  start(): Promise<void>
  listen(port: number, host?: string, tls?: { cert: Buffer; key: Buffer }): Promise<Server>
  stop(): Promise<void>
}

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined }

export function createAgent(config: AgentConfig): Agent {
  const ctx = buildContext(config)
  const { events } = ctx
  setResponseChecks(config.checkResponses ?? true)
  const app = buildApp(ctx)
  const servers: Server[] = []
  let usageTimer: NodeJS.Timeout | undefined
  return {
    app,
    ctx,
    start: async () => {
      await ctx.link.start()
      usageTimer = watchUsage(ctx, config.pollMs ?? 5000)
      if (!ctx.accounts.hasAdmin()) announceSetup(ctx)
    },
    listen: (port, host, tls) =>
      new Promise((resolve, reject) => {
        const server = tls === undefined ? createHttp(app) : createHttps({ cert: tls.cert, key: tls.key }, app)
        server.keepAliveTimeout = 5000
        server.requestTimeout = 0 // uploads and backups may take long; idle sockets still time out
        server.once('error', reject)
        server.listen(port, host, () => resolve(server))
        servers.push(server)
      }),
    stop: async () => {
      if (usageTimer !== undefined) clearInterval(usageTimer)
      events.close()
      ctx.sessions.flush()
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections() })))
      await ctx.link.stop()
    },
  }
}

/** Every module of the agent, from one config (the daemon link last: it reports to the others). */
function realStorage(dir: string): string {
  try {
    return realpathSync(dir)
  } catch {
    throw new Error(`storage ${dir} does not exist (check --storage: the folder that holds upper/ and work/)`)
  }
}

function buildContext(config: AgentConfig): AgentContext {
  const storage = realStorage(config.storage)
  const files = ensureDataDir(config.data, storage)
  const secret = loadSecret(files)
  const log = config.log ?? quiet
  const ctx: AgentContext = {
    config: { ...config, storage },
    files,
    sys: createNodeSys(),
    paths: storagePaths(storage),
    accounts: new Accounts(files, secret),
    sessions: new Sessions({ file: files.sessions, secret, idleMs: config.sessionIdleMs ?? 30 * 60_000, maxMs: config.sessionMaxMs ?? 12 * 3600_000 }),
    setup: new SetupToken(files.setupToken),
    limiter: new FailureLimiter(config.loginFailures ?? {}),
    audit: new AuditLog(files.audit),
    events: new EventHub(),
    link: undefined as unknown as DaemonLink,
    tree: new TreeLister(),
    log,
    startedAt: Date.now(),
  }
  ctx.link = new DaemonLink({
    paths: ctx.paths,
    base: config.base,
    mount: config.mount,
    command: config.layerdeckCommand ?? ownCommand(),
    logFile: files.mountLog,
    pollMs: config.pollMs ?? 1000,
    log,
    onEvent: (e) => relay(ctx, e),
    onState: (s) => mountChanged(ctx, s),
  })
  return ctx
}

function buildApp(ctx: AgentContext): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.use(securityHeaders(ctx.config.tls))
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store')
    next()
  })
  app.use(authenticate(ctx))
  app.use(auditTrail(ctx))
  app.use(csrf())
  app.use(express.json({ limit: '1mb', type: 'application/json' }))
  for (const routes of [deviceRoutes, authRoutes, inspectRoutes, actionRoutes, backupRoutes, auditRoutes, eventRoutes]) app.use(routes(ctx))
  app.use('/api', () => {
    throw new ApiError('not-found', 'no such API endpoint: GET /api/openapi.json lists them')
  })
  app.use(dashboard(ctx.config.dashboardDir ?? defaultDashboardDir()))
  app.use(errorHandler((err) => ctx.log.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : err }, 'unexpected error')))
  return app
}

/** The daemon's events, as the API names them. */
function relay(ctx: AgentContext, e: ControlEvent): void {
  switch (e.kind) {
    case 'revert':
      ctx.events.publish('revert', { path: e.path, time: e.time })
      return
    case 'reset':
    case 'undo':
    case 'purge':
    case 'restore':
      ctx.events.publish(e.kind, { path: '/', time: e.time })
      return
    case 'unmount':
      return // the link marks the mount gone, and says so (mountChanged)
    default:
      ctx.events.publish('change', { path: e.path, change: e.kind, time: e.time, ...(e.to === undefined ? {} : { to: e.to }), ...(e.writer === undefined ? {} : { writer: e.writer }) })
  }
}

function mountChanged(ctx: AgentContext, s: LinkState): void {
  ctx.log.info({ mode: s.mode, mountpoint: s.mountpoint }, s.mode === 'gone' ? 'the mount is gone' : 'attached to the mount')
  const state = s.mode === 'daemon' ? 'mounted' : s.mode
  ctx.events.publish('mount', { path: '/', time: Date.now(), mounted: s.mode !== 'gone', state })
}

/** Publishes a `usage` event whenever the storage crosses a threshold (up or down). */
function watchUsage(ctx: AgentContext, everyMs: number): NodeJS.Timeout {
  let last: string | undefined
  const sample = (): void => {
    try {
      const fs = filesystemSpace(ctx.sys, ctx.paths.upper)
      const level = usageLevel(fs.usedPercent)
      if (last !== undefined && level !== last) ctx.events.publish('usage', { path: '/', time: Date.now(), level, usedPercent: fs.usedPercent })
      last = level
    } catch {
      // storage missing: health says so
    }
  }
  sample()
  const timer = setInterval(sample, Math.max(everyMs, 1000))
  timer.unref()
  return timer
}

function announceSetup(ctx: AgentContext): void {
  const token = ctx.setup.ensure()
  if (ctx.config.onSetupToken !== undefined) {
    ctx.config.onSetupToken(token, ctx.files.setupToken)
    return
  }
  process.stdout.write(
    `layerdeck: no admin account yet. Open the dashboard and give this one-time setup token:\n  ${token}\n` +
      `  (also in ${ctx.files.setupToken}, root only; or create one with: layerdeck user add NAME --storage ${ctx.paths.root})\n`,
  )
}

export { dataFiles }
