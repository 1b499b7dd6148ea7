/** zod at the edges: parse a query or body, and (optionally) check what goes out. */
import type { Request, Response } from 'express'
import type { z } from 'zod'
import { ApiError } from './ApiError.ts'

/**
 * A query value given twice arrives as an array, which the schemas refuse (400). A value whose
 * percent-encoding is not UTF-8 (a raw byte like %FF) is refused too: the query parser would
 * turn it into U+FFFD and look up another name.
 */
export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const raw = req.originalUrl.split('?')[1] ?? ''
  for (const part of raw.split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '))
    } catch {
      throw new ApiError('invalid-input', 'the query is not well-formed UTF-8 (names with bytes that are not UTF-8 cannot be asked for)')
    }
  }
  return schema.parse({ ...(req.query as Record<string, unknown>) })
}

export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const body: unknown = req.body ?? {}
  return schema.parse(body)
}

let checkResponses = true
export const setResponseChecks = (on: boolean): void => {
  checkResponses = on
}

/** Sends a JSON answer, checked against its schema first (a mismatch is the agent's bug: 500). */
export function sendJson<S extends z.ZodType>(res: Response, schema: S, value: z.input<S>): void {
  const body = checkResponses ? schema.parse(value) : value
  res.type('application/json').send(JSON.stringify(body))
}
