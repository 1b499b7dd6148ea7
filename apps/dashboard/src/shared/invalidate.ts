/**
 * What an event touches. A change at /etc/network/interfaces changes the listing of every
 * ancestor (states and storage bytes roll up), the file's content and diff, the diffs of its
 * folders (a folder's diff lists its changes), the change list and the usage. A revert or reset
 * of a folder also changes everything below it.
 */
import type { QueryClient, QueryKey } from '@tanstack/react-query'
import type { AgentEvent } from '@layerdeck/api'
import { PATH_RESOURCES, keys } from './queryKeys.ts'
import { isWithin, parentOf } from './paths.ts'

/** The paths whose queries an event changes, and whether everything below them changes too. */
export function touchedBy(event: AgentEvent): { paths: string[]; subtree: boolean; all: boolean } {
  switch (event.kind) {
    case 'change': {
      const paths = [event.data.path]
      if (event.data.to) paths.push(event.data.to)
      return {
        paths,
        subtree: event.data.change === 'rename' || event.data.change === 'delete',
        all: false,
      }
    }
    case 'revert':
      return { paths: [event.data.path], subtree: true, all: false }
    case 'reset':
    case 'undo':
    case 'restore':
    case 'resync':
      return { paths: ['/'], subtree: true, all: true }
    case 'purge':
    case 'usage':
    case 'mount':
      return { paths: [], subtree: false, all: false }
  }
}

/** Does a path-keyed query (its second part `at`) depend on a change at `path`? */
export function pathQueryTouched(
  resource: string,
  at: string,
  path: string,
  subtree: boolean,
): boolean {
  if (resource === 'tree')
    return isWithin(path, at) || (subtree && isWithin(at, path)) || parentOf(path) === at
  // A file's content or diff: the path itself, a folder above it (folder diffs), below on subtree.
  return isWithin(path, at) || (subtree && isWithin(at, path))
}

export function predicateFor(events: AgentEvent[]): (key: QueryKey) => boolean {
  const touched = events.map(touchedBy)
  if (touched.some((t) => t.all)) return () => true
  return (key) => {
    const [resource, at] = key
    if (resource === 'changes' || resource === 'usage')
      return touched.some((t) => t.paths.length > 0)
    if (resource === 'device') return events.some((e) => e.kind === 'mount' || e.kind === 'revert')
    if (resource === 'health') return events.some((e) => e.kind === 'mount')
    if (!(PATH_RESOURCES as readonly unknown[]).includes(resource) || typeof at !== 'string')
      return false
    return touched.some((t) =>
      t.paths.some((p) => pathQueryTouched(resource as string, at, p, t.subtree)),
    )
  }
}

/** Invalidates, in one pass, every query a batch of events touches. */
export function invalidateFor(client: QueryClient, events: AgentEvent[]): Promise<void> {
  const touches = predicateFor(events)
  const usage = events.some((e) => e.kind === 'usage' || e.kind === 'purge')
  return client.invalidateQueries({
    predicate: (query) =>
      touches(query.queryKey) || (usage && query.queryKey[0] === keys.usage()[0]),
  })
}
