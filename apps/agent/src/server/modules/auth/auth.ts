/**
 * Who is asking: a bearer token (scripts) or the session cookie (the dashboard), and what they
 * may do: viewer looks; admin reverts, resets, restores, downloads backups, reads the audit log.
 */
import type { Request, RequestHandler, Response } from 'express'
import type { Access } from '@layerdeck/api'
import type { AgentContext, Auth } from '../../context.ts'
import { ApiError } from '../../http/ApiError.ts'

export const COOKIE = 'layerdeck_session'

export function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export function sessionCookie(ctx: AgentContext, value: string, clear = false): string {
  const parts = [`${COOKIE}=${clear ? '' : value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict']
  if (ctx.config.tls) parts.push('Secure')
  if (clear) parts.push('Max-Age=0')
  return parts.join('; ')
}

/** Sets res.locals.auth when the request carries valid credentials. */
export function authenticate(ctx: AgentContext): RequestHandler {
  return (req, res, next) => {
    res.locals.auth = identify(ctx, req)
    next()
  }
}

function identify(ctx: AgentContext, req: Request): Auth | undefined {
  const header = req.get('authorization')
  if (header !== undefined && /^Bearer\s+/i.test(header)) {
    const account = ctx.accounts.byToken(header.replace(/^Bearer\s+/i, '').trim())
    return account === undefined ? undefined : { user: account.name, role: account.role, via: 'token', idleExpiresAt: null }
  }
  const id = cookieValue(req, COOKIE)
  if (id === undefined || id === '') return undefined
  const session = ctx.sessions.touch(id)
  if (session === undefined) return undefined
  const account = ctx.accounts.find(session.user)
  if (account === undefined || account.generation !== session.generation) {
    ctx.sessions.end(id)
    return undefined
  }
  return { user: account.name, role: account.role, via: 'cookie', sessionId: id, idleExpiresAt: ctx.sessions.idleExpiresAt(session) }
}

export const authOf = (res: Response): Auth | undefined => res.locals.auth as Auth | undefined

/** Refuses the request unless the caller has this access. */
export function requireAccess(access: Access): RequestHandler {
  return (req, res, next) => {
    if (access === 'anyone') return next()
    const auth = authOf(res)
    if (auth === undefined) {
      const bearer = /^Bearer\s+/i.test(req.get('authorization') ?? '')
      throw new ApiError('not-signed-in', bearer ? 'the bearer token is not valid (revoked or mistyped)' : 'sign in first (your session may have ended)')
    }
    if (access === 'admin' && auth.role !== 'admin') {
      throw new ApiError('access-denied', `the ${auth.role} role may look but not do this: ask an admin`)
    }
    next()
  }
}
