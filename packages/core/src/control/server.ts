/**
 * The control server a mount's daemon runs (see protocol.ts). Started by mountOverlay after the
 * mount is up, closed at unmount. Also writes work/layerdeck/mount.json (base, mount point, pid)
 * so commands on the storage know its base and mount point, and purges the reset undo state when
 * the storage needs the space.
 */
import { chmodSync, unlinkSync } from 'node:fs'
import { dirname } from 'node:path'
import { createServer, type Socket } from 'node:net'
import type { ChangeEvent } from '../engine/events.ts'
import type { Overlay } from '../engine/Overlay.ts'
import { errorCode, hasCode } from '../engine/OverlayError.ts'
import { writeFileAtomic } from '../engine/smallFile.ts'
import { autoPurge } from '../undo/reset.ts'
import { openControl } from './client.ts'
import type { KernelCache } from '../fuse/kernelCache.ts'
import { handle, type ClientContext, type Handled, type HandlerContext } from './handlers.ts'
import { commandOf } from './openFiles.ts'
import { secureSocketDir } from './socketDir.ts'
import {
  MAX_REQUEST_LINE,
  MOUNT_RECORD_NAME,
  onLines,
  socketPath,
  type ControlEvent,
  type ControlRequest,
  type MountInfo,
} from './protocol.ts'

const AUTO_PURGE_INTERVAL_MS = 5000
/** A watcher that does not read its events is dropped past this much unsent output. */
const WATCHER_BACKLOG = 1 << 20
/** A client that sends requests without reading the answers is dropped past this much. */
const CLIENT_BACKLOG = 16 << 20

/** One line on the daemon's stderr (notes, dropped clients). */
const note = (text: string): boolean => process.stderr.write(`layerdeck: ${text}\n`)

export interface ControlServer {
  /** Sends an engine change event to every watcher. */
  publish(event: ChangeEvent | ControlEvent): void
  close(): Promise<void>
}

export async function startControlServer(
  overlay: Overlay,
  info: MountInfo,
  log: (err: unknown) => void,
  kernel: KernelCache,
  onFull: (what: string) => void = () => undefined,
  /** The base later commands should use, when the served one is a private view of it (run). */
  recordedBase = info.base,
): Promise<ControlServer> {
  const { paths, sys } = overlay.ctx
  const path = socketPath(paths)
  try {
    writeFileAtomic(sys, paths.staging, MOUNT_RECORD_NAME, JSON.stringify({ ...info, base: recordedBase }))
  } catch (err) {
    // The morning after the log filled the flash: the mount serves anyway.
    if (!hasCode(err, 'ENOSPC', 'EDQUOT')) throw err
    onFull('the mount record')
  }
  const watchers = new Set<Socket>()
  const clients = new Set<Socket>()
  const publish = (event: ControlEvent): void => {
    if (watchers.size === 0) return // every write through the mount publishes: keep that free
    if ('writer' in event && event.writer !== undefined && event.writer.command === undefined) {
      const command = commandOf(event.writer.pid)
      if (command !== undefined) event.writer.command = command
    }
    const line = `${JSON.stringify({ event })}\n`
    for (const w of watchers) {
      if (w.writableLength > WATCHER_BACKLOG) w.destroy()
      else w.write(line)
    }
  }
  const h: HandlerContext = { overlay, info, kernel, publish }
  const server = createServer((socket) => serveClient(h, socket, clients, watchers))
  await listenFresh(server, path, paths)
  chmodSync(path, 0o600)
  const timer = setInterval(() => {
    try {
      if (autoPurge(sys, paths) > 0) publish({ kind: 'purge', path: '/', time: Date.now() })
    } catch (err) {
      log(err)
    }
  }, AUTO_PURGE_INTERVAL_MS)
  timer.unref()
  let closing: Promise<void> | undefined
  return {
    publish,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        clearInterval(timer)
        // Watchers learn the mount went away; the line is flushed before their socket ends.
        publish({ kind: 'unmount', path: '/', time: Date.now() })
        for (const w of watchers) w.end()
        for (const c of clients) if (!watchers.has(c)) c.destroy()
        setTimeout(() => {
          for (const c of clients) c.destroy()
        }, 500).unref()
        server.close(() => resolve())
        try {
          unlinkSync(path)
        } catch {
          // already gone
        }
      })),
  }
}

/** Listens on the socket path, replacing a stale socket left by a daemon that died. */
async function listenFresh(
  server: ReturnType<typeof createServer>,
  path: string,
  paths: Parameters<typeof openControl>[0],
): Promise<void> {
  const live = await openControl(paths).catch(() => undefined)
  if (live !== undefined) {
    live.destroy()
    throw Object.assign(new Error(`another layerdeck daemon already serves ${paths.root}`), {
      code: 'EBUSY',
    })
  }
  const repaired = secureSocketDir(dirname(path))
  if (repaired !== undefined) note(repaired)
  try {
    unlinkSync(path)
  } catch {
    // no stale socket
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // The mount runs with umask 0: bind() would make the socket 0777 until the chmod after it.
    // bind() happens inside listen(), synchronously, so the umask is back before any FUSE request.
    const umask = process.umask(0o077)
    try {
      server.listen(path, () => resolve())
    } finally {
      process.umask(umask)
    }
  })
}

function serveClient(
  h: HandlerContext,
  socket: Socket,
  clients: Set<Socket>,
  watchers: Set<Socket>,
): void {
  clients.add(socket)
  const client: ClientContext = { snapshots: new Set() }
  socket.on('close', () => {
    clients.delete(socket)
    watchers.delete(socket)
    // A client that went away (a backup cut short, a killed agent) holds nothing any more.
    for (const id of client.snapshots) h.overlay.snapshots.release(id)
  })
  socket.on('error', () => socket.destroy())
  const drop = (why: string): void => {
    note(`control client dropped: ${why}`)
    socket.destroy()
  }
  onLines(
    socket,
    (line) => {
      if (socket.writableLength > CLIENT_BACKLOG) drop(`it left more than ${CLIENT_BACKLOG} bytes of answers unread`)
      else answer(h, socket, line, watchers, client)
    },
    { maxLine: MAX_REQUEST_LINE, onOverflow: () => drop(`line longer than ${MAX_REQUEST_LINE} bytes`) },
  )
}

/** Changes run one at a time, in the order they came (a restore stages for a while). */
const CHANGES = new Set(['revert', 'reset', 'undo', 'purge', 'restore'])
let changing: Promise<unknown> = Promise.resolve()

function run(h: HandlerContext, req: ControlRequest, client: ClientContext): Promise<Handled> {
  if (!CHANGES.has(req.op)) return Promise.resolve(handle(h, req, client))
  const next = changing.then(() => handle(h, req, client))
  changing = next.then(
    (done) => done.settle,
    () => undefined,
  )
  return next
}

function answer(h: HandlerContext, socket: Socket, line: string, watchers: Set<Socket>, client: ClientContext): void {
  let id = 0
  const fail = (err: unknown): void => {
    const code = errorCode(err) ?? 'EIO'
    const message = err instanceof Error ? err.message : String(err)
    const { openFiles, problem } = err as { openFiles?: unknown; problem?: unknown }
    const error = { code, message, ...(openFiles ? { openFiles } : {}), ...(typeof problem === 'string' ? { problem } : {}) }
    socket.write(`${JSON.stringify({ id, ok: false, error })}\n`)
  }
  try {
    const req = JSON.parse(line) as ControlRequest
    id = typeof req.id === 'number' ? req.id : 0
    void run(h, req, client).then(({ result, settle }) => {
      if (req.op === 'watch') watchers.add(socket)
      const reply = (): boolean => socket.write(`${JSON.stringify({ id, ok: true, result })}\n`)
      if (settle) void settle.then(reply, reply)
      else reply()
    }, fail)
  } catch (err) {
    fail(err)
  }
}
