/** A small server-sent-events reader for tests (fetch + a frame parser). */
export interface SseEvent {
  id: string | undefined
  event: string
  data: unknown
}

export interface SseStream {
  status: number
  contentType: string | null
  /** The next event of this kind (other events are skipped), or rejects after timeoutMs. */
  next(kind: string, timeoutMs?: number, match?: (e: SseEvent) => boolean): Promise<SseEvent>
  /** Every event received so far. */
  seen: SseEvent[]
  close(): void
}

export async function openEvents(url: string, headers: Record<string, string>): Promise<SseStream> {
  const ac = new AbortController()
  const res = await fetch(`${url}/api/events`, { headers, signal: ac.signal })
  const seen: SseEvent[] = []
  const waiters = new Set<() => void>()
  let buffer = ''
  const pump = async (): Promise<void> => {
    const decoder = new TextDecoder()
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, i)
        buffer = buffer.slice(i + 2)
        const fields: Record<string, string> = {}
        for (const line of frame.split('\n')) {
          const c = line.indexOf(':')
          if (c > 0) fields[line.slice(0, c)] = line.slice(c + 1).trimStart()
        }
        if (fields.event === undefined) continue
        seen.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data ?? 'null') })
        for (const w of waiters) w()
      }
    }
  }
  if (res.ok) pump().catch(() => undefined)
  let cursor = 0
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    seen,
    next: (kind, timeoutMs = 10_000, match = () => true) =>
      new Promise((resolve, reject) => {
        const look = (): boolean => {
          for (; cursor < seen.length; cursor++) {
            const e = seen[cursor] as SseEvent
            if (e.event === kind && match(e)) {
              cursor += 1
              resolve(e)
              return true
            }
          }
          return false
        }
        if (look()) return
        const timer = setTimeout(() => {
          waiters.delete(w)
          reject(new Error(`no ${kind} event in ${timeoutMs} ms; got ${JSON.stringify(seen.slice(-5))}`))
        }, timeoutMs)
        const w = (): void => {
          if (look()) {
            clearTimeout(timer)
            waiters.delete(w)
          }
        }
        waiters.add(w)
      }),
    close: () => ac.abort(),
  }
}
