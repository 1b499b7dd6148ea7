/**
 * Every failure becomes { problem, message } with the right status, never a stack trace:
 * ApiError as thrown, zod errors as invalid-input, errno errors from core and the daemon by
 * their code, BackupError by its problem, body-parser errors by their status.
 */
import type { ErrorRequestHandler, Response } from 'express'
import { ZodError } from 'zod'
import { BackupError } from '@layerdeck/core'
import type { OpenFile, Problem, ProblemCode } from '@layerdeck/api'
import { ApiError } from './ApiError.ts'

const ERRNO: Record<string, ProblemCode> = {
  ENOENT: 'not-found',
  ENOTDIR: 'not-found',
  EINVAL: 'invalid-input',
  ELOOP: 'invalid-input',
  ENAMETOOLONG: 'invalid-input',
  EISDIR: 'invalid-input',
  EPERM: 'conflict',
  EEXIST: 'conflict',
  ENOTEMPTY: 'conflict',
  ENOSPC: 'conflict',
  EDQUOT: 'conflict',
  EROFS: 'conflict',
  EBUSY: 'busy',
  ENOTCONN: 'unavailable',
  ECONNRESET: 'unavailable',
  ECONNREFUSED: 'unavailable',
  ETIMEDOUT: 'unavailable',
  EPIPE: 'unavailable',
}

/** Turns anything thrown into an ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
    const first = issues[0]
    const what = first === undefined ? 'the request is not valid' : `${first.path === '' ? 'request' : first.path}: ${first.message}`
    return new ApiError('invalid-input', what, { issues })
  }
  if (err instanceof BackupError) return new ApiError(err.problem, err.message)
  const e = err as { code?: unknown; status?: unknown; type?: unknown; message?: unknown; openFiles?: OpenFile[] }
  if (typeof e.type === 'string' && typeof e.status === 'number') return bodyParserError(e.type, e.status)
  if (typeof e.code === 'string' && ERRNO[e.code] !== undefined) {
    const problem = ERRNO[e.code] as ProblemCode
    const message = typeof e.message === 'string' ? e.message.replace(/^E[A-Z]+: /, '') : e.code
    const extra = Array.isArray(e.openFiles) ? { openFiles: e.openFiles } : {}
    return new ApiError(problem, message, extra)
  }
  return new ApiError('internal-error', 'the agent failed unexpectedly; the error is in its log')
}

function bodyParserError(type: string, status: number): ApiError {
  if (type === 'entity.too.large') return new ApiError('too-large', 'the request body is too large')
  if (type === 'entity.parse.failed') return new ApiError('invalid-input', 'the body is not valid JSON')
  if (status === 415) return new ApiError('invalid-input', 'the body must be JSON (Content-Type: application/json)', {}, 415)
  return new ApiError('invalid-input', 'the request body could not be read')
}

export function sendProblem(res: Response, err: ApiError): void {
  const body: Problem = { problem: err.problem, message: err.message, ...err.extra }
  res.locals.problem = err.problem
  res.locals.problemMessage = err.message
  if (err.extra.retryAfter !== undefined) res.setHeader('Retry-After', String(err.extra.retryAfter))
  // An upload refused before it was read: do not wait for the rest of it.
  if (err.problem === 'too-large') res.setHeader('Connection', 'close')
  res.status(err.status).type('application/json').send(JSON.stringify(body))
}

export function errorHandler(log: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    const api = toApiError(err)
    if (api.problem === 'internal-error' && !(err instanceof ApiError)) log(err)
    if (res.headersSent) {
      res.destroy()
      return
    }
    void next
    sendProblem(res, api)
  }
}
