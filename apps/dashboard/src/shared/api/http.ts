/**
 * The one HTTP client: JSON in and out, same-origin cookies, the agent's { problem, message }
 * turned into ApiError. A 401 `not-signed-in` tells the session listener (back to sign-in).
 */
import type { OpenFile, Problem, ProblemCode } from '@layerdeck/api'
import { encodeParam } from '../paths.ts'

export type ErrorCode = ProblemCode | 'unreachable'

export class ApiError extends Error {
  readonly status: number
  readonly problem: ErrorCode
  readonly openFiles: OpenFile[]
  readonly retryAfter: number | undefined

  constructor(status: number, problem: ErrorCode, message: string, body?: Partial<Problem>) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
    this.openFiles = body?.openFiles ?? []
    this.retryAfter = body?.retryAfter
  }
}

export const UNREACHABLE =
  'The device does not answer. Check that you are on its network; this page retries on its own.'

type Listener = () => void
const signedOutListeners = new Set<Listener>()
/** Called when a request finds the session gone (expired, or ended elsewhere). */
export function onSignedOut(listener: Listener): () => void {
  signedOutListeners.add(listener)
  return () => signedOutListeners.delete(listener)
}

export type Query = Record<string, string | number | boolean | undefined>

export function queryString(query: Query | undefined): string {
  if (!query) return ''
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeParam(String(value))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

export interface RequestOptions {
  query?: Query
  body?: unknown
  signal?: AbortSignal
  /** Sign-in itself answers 401 for a wrong password: that is not an expired session. */
  quiet401?: boolean
}

export async function request<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers:
      options.body === undefined
        ? { accept: 'application/json' }
        : { accept: 'application/json', 'content-type': 'application/json' },
  }
  if (options.body !== undefined) init.body = JSON.stringify(options.body)
  if (options.signal) init.signal = options.signal
  let response: Response
  try {
    response = await fetch(`${path}${queryString(options.query)}`, init)
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError(0, 'unreachable', UNREACHABLE)
  }
  return readResponse<T>(response, options.quiet401 ?? false)
}

export async function readResponse<T>(response: Response, quiet401 = false): Promise<T> {
  const text = await response.text()
  if (response.ok) return (text ? JSON.parse(text) : null) as T
  throw problemOf(response.status, text, response.headers.get('retry-after'), quiet401)
}

export function problemOf(
  status: number,
  text: string,
  retryAfterHeader: string | null,
  quiet401 = false,
): ApiError {
  let body: Partial<Problem> = {}
  try {
    body = JSON.parse(text) as Partial<Problem>
  } catch {
    // A proxy's HTML error page, or nothing: say what the status means.
  }
  const problem: ErrorCode = body.problem ?? (status >= 500 ? 'unavailable' : 'internal-error')
  const retry = body.retryAfter ?? (retryAfterHeader ? Number(retryAfterHeader) : undefined)
  const message =
    body.message ??
    `The agent answered ${status} without saying why. Try again; if it persists, check the agent's log.`
  const error = new ApiError(status, problem, message, {
    ...body,
    ...(retry === undefined ? {} : { retryAfter: retry }),
  })
  if (status === 401 && !quiet401) for (const listener of signedOutListeners) listener()
  return error
}

/** A human sentence for any error a query or mutation can throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof Error) return error.message
  return String(error)
}
