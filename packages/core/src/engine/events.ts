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
}

export type ChangeListener = (event: ChangeEvent) => void
