/**
 * Server-sent events for every viewer: one hub, a ring of the last events for `Last-Event-ID`
 * resumes, a comment line every 20 s to keep proxies and phones from closing idle streams. Ids
 * are `<instance>.<n>`: an id from another agent instance (it restarted) or older than the ring
 * gets one `resync` event instead (the client refetches). A client that stops reading is
 * dropped past 1 MiB of unsent events.
 */
import type { Response } from 'express'
import type { EventDataByKind, EventKind } from '@layerdeck/api'

interface Stored {
  seq: number
  frame: string
}

const HEARTBEAT_MS = 20_000
const BACKLOG_LIMIT = 1 << 20

export class EventHub {
  readonly #ring: Stored[] = []
  readonly #size: number
  readonly #clients = new Set<Response>()
  readonly #instance = Date.now().toString(36)
  #seq = 0
  readonly #timer: NodeJS.Timeout

  constructor(size = 2000) {
    this.#size = size
    this.#timer = setInterval(() => this.#broadcast(':\n\n'), HEARTBEAT_MS)
    this.#timer.unref()
  }

  get clients(): number {
    return this.#clients.size
  }

  publish<K extends EventKind>(kind: K, data: EventDataByKind[K]): void {
    const seq = ++this.#seq
    const frame = `id: ${this.#instance}.${seq}\nevent: ${kind}\ndata: ${JSON.stringify(data)}\n\n`
    this.#ring.push({ seq, frame })
    if (this.#ring.length > this.#size) this.#ring.shift()
    this.#broadcast(frame)
  }

  /** Streams to `res` until the client goes; replays what it missed after `lastEventId`. */
  subscribe(res: Response, lastEventId: string | undefined): void {
    res.status(200)
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8')
    res.setHeader('Cache-Control', 'no-cache, no-transform')
    res.setHeader('X-Accel-Buffering', 'no')
    res.flushHeaders()
    res.socket?.setNoDelay(true)
    res.socket?.setTimeout(0)
    res.write('retry: 2000\n\n')
    if (lastEventId !== undefined && lastEventId !== '') this.#replay(res, lastEventId)
    this.#clients.add(res)
    res.on('close', () => this.#clients.delete(res))
  }

  #replay(res: Response, lastEventId: string): void {
    const [instance, n] = lastEventId.split('.')
    const seq = Number(n)
    const oldest = this.#ring[0]?.seq ?? this.#seq + 1
    if (instance !== this.#instance || !Number.isSafeInteger(seq) || seq > this.#seq || seq < oldest - 1) {
      res.write(`id: ${this.#instance}.${this.#seq}\nevent: resync\ndata: ${JSON.stringify({ path: '/', time: Date.now() })}\n\n`)
      return
    }
    for (const e of this.#ring) if (e.seq > seq) res.write(e.frame)
  }

  #broadcast(frame: string): void {
    for (const res of this.#clients) {
      if (res.writableLength > BACKLOG_LIMIT) res.destroy()
      else res.write(frame)
    }
  }

  close(): void {
    clearInterval(this.#timer)
    for (const res of this.#clients) res.end()
    this.#clients.clear()
  }
}
