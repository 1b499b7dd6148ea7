/**
 * Security headers and CSRF. helmet sets CSP, COOP/CORP, nosniff, frame and referrer policies;
 * on plain HTTP (a device at http://192.168.x.x) HSTS and upgrade-insecure-requests stay off,
 * or the browser would break the dashboard. A request that changes anything needs, when it
 * carries the session cookie (or no credentials, like a login), a same-origin Origin or
 * Sec-Fetch-Site header (neither, or a foreign one: 403) and a JSON body (else 415; a restore
 * sends application/gzip). A bearer token needs no Origin: a browser never sends one on its own.
 */
import type { Request, RequestHandler } from 'express'
import helmet from 'helmet'
import { ApiError } from './ApiError.ts'

export function securityHeaders(tls: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: tls ? [] : null } },
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  })
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])
/** Paths whose body is a .tar.gz. */
const GZIP_BODIES = new Set(['/api/restore'])
const GZIP_TYPES = new Set(['application/gzip', 'application/x-gzip', 'application/octet-stream'])

export const hasBearer = (req: Request): boolean => /^Bearer\s+\S/i.test(req.get('authorization') ?? '')

function sameOrigin(req: Request): boolean {
  const origin = req.get('origin')
  if (origin !== undefined) {
    const host = req.get('host')
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`) && origin.startsWith(`${req.protocol}://`)
  }
  const site = req.get('sec-fetch-site')
  return site === 'same-origin'
}

function mediaType(req: Request): string | undefined {
  return req.get('content-type')?.split(';')[0]?.trim().toLowerCase()
}

export function csrf(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE.has(req.method) || !req.path.startsWith('/api/')) return next()
    const bearer = hasBearer(req)
    if (!bearer && !sameOrigin(req)) {
      throw new ApiError('access-denied', 'a request that changes something must come from the dashboard itself (same-origin Origin or Sec-Fetch-Site header); scripts use a bearer token')
    }
    const type = mediaType(req)
    const wanted = GZIP_BODIES.has(req.path) ? GZIP_TYPES : new Set(['application/json'])
    const emptyBody = req.get('content-length') === '0' || (req.get('content-length') === undefined && req.get('transfer-encoding') === undefined)
    if (type === undefined && bearer && emptyBody) return next()
    if (type === undefined || !wanted.has(type)) {
      const want = GZIP_BODIES.has(req.path) ? 'application/gzip (the backup archive)' : 'application/json'
      throw new ApiError('invalid-input', `the body must be ${want}, not ${type ?? 'missing'}`, {}, 415)
    }
    next()
  }
}
