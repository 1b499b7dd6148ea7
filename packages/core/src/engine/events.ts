/** Change events: every change made through the overlay, for `status --watch` and the agent. */
export type ChangeKind = 'create' | 'modify' | 'delete' | 'rename' | 'metadata' | 'mkdir'

export interface ChangeEvent {
  kind: ChangeKind
  /** Merged path that changed. */
  path: string
  /** For renames: the new path. */
  to?: string
  /** Milliseconds since the epoch. */
  time: number
  /** Who made the change, when the binding knows (the process of the FUSE request). */
  writer?: Writer
}

/** The process behind a request: `command` is /proc/PID/comm, read while the process lives. */
export interface Writer {
  pid: number
  uid: number
  command?: string
}

export type ChangeListener = (event: ChangeEvent) => void
