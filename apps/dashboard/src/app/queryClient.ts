import { QueryClient } from '@tanstack/react-query'
import { ApiError } from '../shared/api/http.ts'

/** 4xx answers are final; an unreachable agent is retried (it may be restarting). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (count, error) =>
          error instanceof ApiError &&
          (error.problem === 'unreachable' || error.status >= 500) &&
          count < 3,
        retryDelay: (attempt) => Math.min(1000 * 2 ** attempt, 8000),
      },
      mutations: { retry: false },
    },
  })
}
