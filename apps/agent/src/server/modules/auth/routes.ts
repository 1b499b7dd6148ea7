/** First-run setup and sessions: GET/POST /api/setup, POST/GET/DELETE /api/session. */
import { Router, type Request, type Response } from 'express'
import {
  endpoints,
  loginRequestSchema,
  meSchema,
  setupRequestSchema,
  setupStateSchema,
  signedOutSchema,
  type Me,
} from '@layerdeck/api'
import type { AgentContext, Auth } from '../../context.ts'
import { dummyVerify, verifyPassword, type Account } from '../../data/accounts.ts'
import { ApiError } from '../../http/ApiError.ts'
import { clientAddress } from '../../http/address.ts'
import { parseBody, sendJson } from '../../http/validate.ts'
import { authOf, requireAccess, sessionCookie } from './auth.ts'

export function authRoutes(ctx: AgentContext): Router {
  const r = Router()
  r.get(endpoints.setupState.path, (_req, res) => {
    sendJson(res, setupStateSchema, { needed: !ctx.accounts.hasAdmin() })
  })
  r.post(endpoints.setup.path, async (req, res) => {
    throttled(ctx, req, [])
    const body = parseBody(setupRequestSchema, req)
    res.locals.auditUser = body.username
    if (ctx.accounts.hasAdmin()) throw new ApiError('conflict', 'an admin already exists: sign in, or ask an admin for an account')
    if (!ctx.setup.matches(body.token)) {
      ctx.limiter.fail([`ip:${clientAddress(req)}`])
      throw new ApiError('access-denied', "the setup token is wrong: it is printed on the agent's console and kept in its data folder (setup-token)")
    }
    const account = await ctx.accounts.add(body.username, 'admin', body.password)
    ctx.setup.consume()
    signIn(ctx, res, account)
  })
  r.post(endpoints.login.path, async (req, res) => {
    const body = parseBody(loginRequestSchema, req)
    res.locals.auditUser = body.username
    const keys = throttled(ctx, req, [body.username])
    const account = ctx.accounts.find(body.username)
    const ok = account === undefined ? (await dummyVerify(body.password), false) : await verifyPassword(account.hash, body.password)
    if (account === undefined || !ok) {
      ctx.limiter.fail(keys)
      throw new ApiError('not-signed-in', 'wrong name or password')
    }
    ctx.limiter.clear(keys)
    signIn(ctx, res, account)
  })
  r.get(endpoints.me.path, requireAccess('signed-in'), (_req, res) => {
    sendJson(res, meSchema, me(authOf(res) as Auth))
  })
  r.delete(endpoints.logout.path, requireAccess('signed-in'), (_req, res) => {
    const auth = authOf(res) as Auth
    if (auth.sessionId !== undefined) ctx.sessions.end(auth.sessionId)
    res.setHeader('Set-Cookie', sessionCookie(ctx, '', true))
    sendJson(res, signedOutSchema, { signedOut: true })
  })
  return r
}

/** Refuses with 429 while the address or the account is throttled; returns the keys to count a failure on. */
function throttled(ctx: AgentContext, req: Request, users: string[]): string[] {
  const keys = [`ip:${clientAddress(req)}`, ...users.map((u) => `user:${u.toLowerCase()}`)]
  const wait = ctx.limiter.retryAfter(keys)
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60)
    throw new ApiError('rate-limited', `too many failed sign-ins: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`, { retryAfter: wait })
  }
  return keys
}

function signIn(ctx: AgentContext, res: Response, account: Account): void {
  const { id, session } = ctx.sessions.create(account.name, account.generation)
  res.setHeader('Set-Cookie', sessionCookie(ctx, id))
  const auth: Auth = { user: account.name, role: account.role, via: 'cookie', sessionId: id, idleExpiresAt: ctx.sessions.idleExpiresAt(session) }
  res.locals.auth = auth
  sendJson(res, meSchema, me(auth))
}

const me = (auth: Auth): Me => ({ username: auth.user, role: auth.role, via: auth.via, idleExpiresAt: auth.idleExpiresAt })
