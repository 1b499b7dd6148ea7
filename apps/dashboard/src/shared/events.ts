/**
 * The app's one EventSource on GET /api/events. Each named event is kept for the live feed and
 * batched (150 ms) into one invalidation of exactly the queries it touches. The browser
 * reconnects by itself with Last-Event-ID; when the agent refuses the stream (signed out, agent
 * restarting) a new one is opened with backoff.
 */
import type { QueryClient } from '@tanstack/react-query'
import type { AgentEvent, EventKind } from '@layerdeck/api'
import { invalidateFor } from './invalidate.ts'
import { createStore } from './store.ts'

const KINDS = [
  'change',
  'revert',
  'reset',
  'undo',
  'purge',
  'restore',
  'usage',
  'mount',
  'resync',
] as const satisfies readonly EventKind[]
// The API's list is a value of a zod module the bundle leaves out; this fails to compile when a
// kind is added there and not here (a kind nobody listens to would never invalidate anything).
const everyKind: Record<Exclude<EventKind, (typeof KINDS)[number]>, never> = {}
void everyKind
const FEED_MAX = 50
const BATCH_MS = 150

export type StreamStatus = 'connecting' | 'live' | 'down'

export const streamStatus = createStore<StreamStatus>('connecting')
/** Newest first. */
export const feed = createStore<AgentEvent[]>([])

export interface EventStream {
  close(): void
}

export function startEventStream(client: QueryClient, url = '/api/events'): EventStream {
  let source: EventSource | null = null
  let pending: AgentEvent[] = []
  let flushTimer: ReturnType<typeof setTimeout> | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let retryMs = 1000
  let closed = false

  const flush = () => {
    flushTimer = undefined
    const batch = pending
    pending = []
    void invalidateFor(client, batch)
  }

  const receive = (kind: EventKind) => (message: MessageEvent<string>) => {
    let data: unknown
    try {
      data = JSON.parse(message.data)
    } catch {
      return
    }
    const event = { kind, id: message.lastEventId, data } as AgentEvent
    if (kind !== 'resync') feed.set([event, ...feed.get()].slice(0, FEED_MAX))
    pending.push(event)
    flushTimer ??= setTimeout(flush, BATCH_MS)
  }

  const open = () => {
    if (closed) return
    streamStatus.set('connecting')
    const es = new EventSource(url, { withCredentials: true })
    source = es
    es.onopen = () => {
      retryMs = 1000
      if (streamStatus.get() === 'down') void client.invalidateQueries()
      streamStatus.set('live')
    }
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) {
        // Refused (401, agent gone): the browser gives up; try again with backoff.
        streamStatus.set('down')
        retryTimer = setTimeout(open, retryMs)
        retryMs = Math.min(retryMs * 2, 15_000)
      } else if (streamStatus.get() === 'live') streamStatus.set('down')
    }
    for (const kind of KINDS) es.addEventListener(kind, receive(kind) as EventListener)
  }

  open()
  return {
    close() {
      closed = true
      clearTimeout(retryTimer)
      clearTimeout(flushTimer)
      source?.close()
    },
  }
}
