/**
 * One directory, paged: the first page tells the total; the list asks for the pages its visible
 * rows fall in (keys.tree.page), so a 50,000-entry directory loads only what is on screen.
 * Searching by name loads the whole directory once (2,000 entries a request) and filters it.
 */
import { useQueries, useQuery } from '@tanstack/react-query'
import type { TreeEntry } from '@layerdeck/api'
import { api } from '../../shared/api/endpoints.ts'
import { keys } from '../../shared/queryKeys.ts'

export const PAGE = 500
const ALL_PAGE = 2000

export interface RowSource {
  count: number
  get(index: number): TreeEntry | undefined
}

const pageQuery = (dir: string, page: number) => ({
  queryKey: keys.tree.page(dir, page, PAGE),
  queryFn: ({ signal }: { signal: AbortSignal }) => api.tree(dir, page * PAGE, PAGE, { signal }),
  staleTime: 30_000,
})

export function useFirstPage(dir: string) {
  return useQuery(pageQuery(dir, 0))
}

/** The pages covering rows [start, end], as a RowSource over the whole directory. */
export function usePagedRows(dir: string, total: number, start: number, end: number): RowSource {
  const first = Math.floor(Math.max(0, start) / PAGE)
  const last = Math.floor(Math.max(0, Math.min(end, total - 1)) / PAGE)
  const wanted: number[] = []
  for (let p = first; p <= last; p++) wanted.push(p)
  const results = useQueries({ queries: wanted.map((p) => pageQuery(dir, p)) })
  const pages = new Map<number, TreeEntry[]>()
  results.forEach((r, i) => {
    const p = wanted[i]
    if (r.data && p !== undefined && r.data.path === dir) pages.set(p, r.data.entries)
  })
  return {
    count: total,
    get: (index) => pages.get(Math.floor(index / PAGE))?.[index % PAGE],
  }
}

async function fetchAll(dir: string, signal: AbortSignal): Promise<TreeEntry[]> {
  const first = await api.tree(dir, 0, ALL_PAGE, { signal })
  const entries = [...first.entries]
  while (entries.length < first.total) {
    const page = await api.tree(dir, entries.length, ALL_PAGE, { signal })
    if (page.entries.length === 0) break
    entries.push(...page.entries)
  }
  return entries
}

/** Every entry whose name contains `q` (case-insensitive); disabled while `q` is empty. */
export function useNameSearch(dir: string, q: string) {
  const all = useQuery({
    queryKey: [...keys.tree.dir(dir), 'all'],
    queryFn: ({ signal }) => fetchAll(dir, signal),
    enabled: q.length > 0,
    staleTime: 30_000,
  })
  const needle = q.toLocaleLowerCase()
  const matches = all.data?.filter((e) => e.name.toLocaleLowerCase().includes(needle)) ?? []
  const source: RowSource = { count: matches.length, get: (i) => matches[i] }
  return { ...all, source }
}
