/** Queries several features read: who am I, the device, usage, the change list. */
import { useQuery } from '@tanstack/react-query'
import type { ChangesPage, Device, Me } from '@layerdeck/api'
import { ApiError } from './api/http.ts'
import { api } from './api/endpoints.ts'
import { keys } from './queryKeys.ts'

export function useMe() {
  return useQuery({
    queryKey: keys.me(),
    queryFn: async ({ signal }): Promise<Me | null> => {
      try {
        return await api.me({ signal })
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null
        throw error
      }
    },
    staleTime: 60_000,
    retry: (count, error) =>
      error instanceof ApiError && error.problem === 'unreachable' && count < 30,
    retryDelay: 2000,
  })
}

export const useDevice = () =>
  useQuery({
    queryKey: keys.device(),
    queryFn: ({ signal }) => api.device({ signal }),
    refetchInterval: 30_000,
  })

export const useUsage = () =>
  useQuery({ queryKey: keys.usage(), queryFn: ({ signal }) => api.usage({ signal }) })

export const useHealth = () =>
  useQuery({
    queryKey: keys.health(),
    queryFn: ({ signal }) => api.health({ signal }),
    refetchInterval: 10_000,
    retry: false,
  })

const CHANGES_PAGE = 5000
const CHANGES_CAP = 100_000

/** The whole change list (paged by 5000, up to 100,000), with counts by kind. */
export async function fetchAllChanges(signal?: AbortSignal): Promise<ChangesPage> {
  const first = await api.changes(0, CHANGES_PAGE, signal ? { signal } : undefined)
  const changes = [...first.changes]
  while (changes.length < Math.min(first.total, CHANGES_CAP)) {
    const page = await api.changes(changes.length, CHANGES_PAGE, signal ? { signal } : undefined)
    if (page.changes.length === 0) break
    changes.push(...page.changes)
  }
  return { ...first, changes }
}

export const useChanges = () =>
  useQuery({ queryKey: keys.changes(), queryFn: ({ signal }) => fetchAllChanges(signal) })

export type ActionMode = Device['actions']

/** What this user may do and how actions apply on this device. */
export function useAbilities(): { admin: boolean; mode: ActionMode; atNextBoot: boolean } {
  const me = useMe().data
  const mode = useDevice().data?.actions ?? 'unavailable'
  return { admin: me?.role === 'admin', mode, atNextBoot: mode === 'at-next-boot' }
}

/** "Revert" or "Revert at next boot". */
export const actionLabel = (verb: string, atNextBoot: boolean): string =>
  atNextBoot ? `${verb} at next boot` : verb
