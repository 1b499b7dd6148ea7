/** The one HTTP error class: routes throw it, errors.ts renders it as { problem, message }. */
import { PROBLEM_STATUS, type OpenFile, type ProblemCode } from '@layerdeck/api'

export interface ProblemExtra {
  issues?: Array<{ path: string; message: string }>
  openFiles?: OpenFile[]
  retryAfter?: number
}

export class ApiError extends Error {
  override name = 'ApiError'
  readonly status: number
  readonly problem: ProblemCode
  readonly extra: ProblemExtra

  constructor(problem: ProblemCode, message: string, extra: ProblemExtra = {}, status = PROBLEM_STATUS[problem]) {
    super(message)
    this.problem = problem
    this.status = status
    this.extra = extra
  }
}
