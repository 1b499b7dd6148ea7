/**
 * The agent's link to the daemon serving its storage. It attaches over the control socket and
 * watches its events; when the daemon goes (unmount event, socket closed) it says so and tries
 * again every `pollMs`, so a daemon that comes back is attached again. A storage the kernel
 * mounted is found in mountinfo (read-only here). With base and mount point given and nobody
 * serving the storage, it starts `layerdeck mount` itself (and only then stops it at the end).
 */
import type { Socket } from 'node:net'
import {
  findKernelMount,
  openControl,
  readMountRecord,
  request,
  watch,
  type ControlEvent,
  type KernelMount,
  type MountInfo,
  type RequestBody,
  type StoragePaths,
} from '@layerdeck/core'
import type { Logger } from '../context.ts'
import { ApiError } from '../http/ApiError.ts'
import { startMountChild, type MountChild } from './mountChild.ts'

export type LinkMode = 'daemon' | 'kernel' | 'gone'

export interface LinkState {
  mode: LinkMode
  info: MountInfo | undefined
  kernel: KernelMount | undefined
  base: string | undefined
  mountpoint: string | undefined
  /** This agent started the daemon. */
  owned: boolean
}

export interface LinkOptions {
  paths: StoragePaths
  base?: string | undefined
  mount?: string | undefined
  command: string[]
  logFile: string
  pollMs: number
  log: Logger
  onEvent(event: ControlEvent): void
  onState(state: LinkState): void
}

const CALL_TIMEOUT_MS = 10 * 60_000

export class DaemonLink {
  readonly #o: LinkOptions
  #state: LinkState
  #watcher: { stop(): void } | undefined
  #child: MountChild | undefined
  #timer: NodeJS.Timeout | undefined
  #stopped = false
  #busy = false

  constructor(options: LinkOptions) {
    this.#o = options
    this.#state = { mode: 'gone', info: undefined, kernel: undefined, base: options.base, mountpoint: options.mount, owned: false }
  }

  get state(): LinkState {
    return this.#state
  }

  /** Attaches (or starts the daemon); resolves once the state is known. */
  async start(): Promise<void> {
    await this.#probe()
    if (this.#state.mode === 'gone' && this.#o.base !== undefined && this.#o.mount !== undefined) await this.#spawn()
    this.#timer = setInterval(() => void this.#probe(), this.#o.pollMs)
    this.#timer.unref()
  }

  async #spawn(): Promise<void> {
    const { paths, base, mount } = this.#o
    this.#o.log.info({ base, mount }, 'no daemon serves the storage: starting layerdeck mount')
    const child = startMountChild({ command: this.#o.command, base: base as string, storage: paths.root, mountpoint: mount as string, logFile: this.#o.logFile })
    this.#child = child
    let exited = false
    void child.exited.then((code) => {
      exited = true
      if (!this.#stopped) this.#o.log.warn({ code }, 'the layerdeck mount this agent started has ended')
    })
    for (const until = Date.now() + 60_000; Date.now() < until && !exited; ) {
      await new Promise((r) => setTimeout(r, 200))
      await this.#probe()
      if (this.#state.mode === 'daemon') return
    }
    await child.stop()
    throw new Error(`layerdeck mount did not come up:\n${child.logTail()}`)
  }

  /** One look: kernel mount, or a daemon answering on the socket. */
  async #probe(): Promise<void> {
    if (this.#busy || this.#stopped || this.#state.mode === 'daemon') return
    this.#busy = true
    try {
      const kernel = findKernelMount(this.#o.paths)
      if (kernel !== undefined) {
        const base = this.#o.base ?? (kernel.lowerdirs.length === 1 ? kernel.lowerdirs[0] : undefined)
        this.#set({ mode: 'kernel', info: undefined, kernel, base, mountpoint: kernel.mountpoint, owned: false })
        return
      }
      await this.#attach()
    } catch (err) {
      this.#o.log.warn({ err: String(err) }, 'cannot reach the daemon')
    } finally {
      this.#busy = false
    }
    if (!this.attached) this.#markGone()
  }

  get attached(): boolean {
    return this.#state.mode === 'daemon'
  }

  async #attach(): Promise<void> {
    const first = await openControl(this.#o.paths)
    if (first === undefined) return
    let info: MountInfo
    try {
      info = (await request(first, { op: 'info' }, 5000)) as MountInfo
    } finally {
      first.destroy()
    }
    const socket = await openControl(this.#o.paths)
    if (socket === undefined) return
    this.#watch(socket)
    const owned = this.#child !== undefined && this.#child.child.pid === info.pid
    this.#set({ mode: 'daemon', info, kernel: undefined, base: info.base, mountpoint: info.mountpoint, owned })
  }

  #watch(socket: Socket): void {
    const w = watch(socket, (event) => {
      if (event.kind === 'unmount') socket.destroy()
      this.#o.onEvent(event)
    })
    this.#watcher = w
    const gone = (): void => {
      if (this.#watcher !== w) return
      this.#watcher = undefined
      this.#markGone()
    }
    w.done.then(gone, gone)
  }

  #markGone(): void {
    if (this.#state.mode === 'gone' && this.#state.base !== undefined) return
    const record = readMountRecord(this.#o.paths)
    const base = this.#o.base ?? this.#state.base ?? record?.base
    const mountpoint = this.#o.mount ?? this.#state.mountpoint ?? record?.mountpoint
    this.#set({ mode: 'gone', info: undefined, kernel: undefined, base, mountpoint, owned: false })
  }

  #set(next: LinkState): void {
    const changed = next.mode !== this.#state.mode
    this.#state = next
    if (changed) this.#o.onState(next)
  }

  /** A request to the daemon; 503 unavailable when none serves the storage. */
  async call(body: RequestBody): Promise<unknown> {
    if (this.#state.mode !== 'daemon') {
      throw new ApiError('unavailable', 'the mount is not served right now (its daemon is gone): nothing was changed; start it again and retry')
    }
    const socket = await openControl(this.#o.paths)
    if (socket === undefined) throw new ApiError('unavailable', 'the mount has just gone away: nothing was changed')
    try {
      return await request(socket, body, CALL_TIMEOUT_MS)
    } finally {
      socket.destroy()
    }
  }

  /** Stops watching; stops the daemon only if this agent started it. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#watcher?.stop()
    this.#watcher = undefined
    if (this.#child !== undefined) await this.#child.stop()
  }
}
