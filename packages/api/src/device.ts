/** The device resource: what it is, how its overlay stands. */
import { z } from 'zod'

export const pendingActionSchema = z.union([
  z.object({ op: z.literal('revert'), paths: z.array(z.string()), added: z.boolean() }),
  z.object({ op: z.literal('reset'), keep: z.array(z.string()) }),
])
export type PendingAction = z.infer<typeof pendingActionSchema>

export const mountStateSchema = z.enum([
  /** A layerdeck daemon serves the storage: changes are live. */
  'mounted',
  /** The kernel has the storage mounted (OpenWrt /overlay): read-only here, actions at next boot. */
  'kernel',
  /** No daemon serves the storage (it ended or was never started): read-only until it is back. */
  'gone',
])
export type MountState = z.infer<typeof mountStateSchema>

export const deviceSchema = z.object({
  hostname: z.string(),
  /** From the base's /etc/os-release (the factory image); null when it has none. */
  firmware: z
    .object({
      prettyName: z.string().nullable(),
      versionId: z.string().nullable(),
      buildId: z.string().nullable(),
    })
    .nullable(),
  mount: z.object({
    state: mountStateSchema,
    mountpoint: z.string().nullable(),
    base: z.string().nullable(),
    /** Pid of the daemon serving the mount. */
    pid: z.number().int().nullable(),
    /** Milliseconds since the epoch when the mount started. */
    since: z.number().nullable(),
    /** The FUSE binding serving the mount (or 'kernel overlayfs'). */
    engine: z.string().nullable(),
    /** The agent started this daemon (and stops it when it stops). */
    ownedByAgent: z.boolean(),
  }),
  storage: z.object({
    path: z.string(),
    kind: z.enum(['persistent', 'ram', 'kernel', 'missing']),
    /** Filesystem type holding the storage (ext4, tmpfs, ubifs, ...). */
    filesystem: z.string().nullable(),
    /** Changes survive a reboot. */
    persistent: z.boolean(),
  }),
  /**
   * How revert/reset/undo/restore apply: live (through the daemon), at-next-boot (kernel-mounted:
   * recorded, applied before the next `layerdeck mount`), unavailable (mount gone).
   */
  actions: z.enum(['live', 'at-next-boot', 'unavailable']),
  /** Actions recorded for the next boot. */
  pending: z.array(pendingActionSchema),
  version: z.string(),
  /** Seconds since the device booted. */
  uptimeSeconds: z.number(),
  agent: z.object({ pid: z.number().int(), startedAt: z.number() }),
})
export type Device = z.infer<typeof deviceSchema>
