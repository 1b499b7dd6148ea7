/** Pieces several endpoints share: overlay paths, entry types, states, writers, open files. */
import { z } from 'zod'

/** Longest accepted overlay path and name, in UTF-8 bytes (Linux PATH_MAX and NAME_MAX). */
export const MAX_PATH_BYTES = 4096
export const MAX_NAME_BYTES = 255

/**
 * An overlay path as seen inside the merged tree ('/etc/hosts'). The agent refuses '..', NUL,
 * relative paths, over-long names and paths and strings that are not well-formed Unicode with
 * 400 invalid-input. In responses, names are the filesystem's bytes: a byte that is not UTF-8
 * appears as a lone surrogate U+DC80..U+DCFF (JSON "\udcff"); show such names escaped.
 */
export const overlayPathSchema = z.string().min(1).max(MAX_PATH_BYTES * 2)

export const ENTRY_TYPES = ['file', 'dir', 'symlink', 'whiteout', 'char', 'block', 'fifo', 'socket'] as const
export const entryTypeSchema = z.enum(ENTRY_TYPES)
export type EntryType = z.infer<typeof entryTypeSchema>

/** How an entry differs from the factory image (the base). */
export const CHANGE_STATES = ['added', 'modified', 'metadata', 'deleted', 'opaque', 'unchanged'] as const
export const changeStateSchema = z.enum(CHANGE_STATES)
export type ChangeState = z.infer<typeof changeStateSchema>

export const fieldChangeSchema = z.object({
  field: z.enum(['mode', 'uid', 'gid', 'mtime', 'xattrs']),
  base: z.union([z.string(), z.number()]),
  current: z.union([z.string(), z.number()]),
})
export type FieldChange = z.infer<typeof fieldChangeSchema>

/** The process behind a change made through the mount. */
export const writerSchema = z.object({
  pid: z.number().int(),
  uid: z.number().int(),
  /** /proc/PID/comm while the process lived. */
  command: z.string().optional(),
})
export type Writer = z.infer<typeof writerSchema>

/** An open file on the mount that a revert, reset, undo or restore would strand. */
export const openFileSchema = z.object({
  path: z.string(),
  pid: z.number().int(),
  uid: z.number().int(),
  command: z.string().optional(),
  write: z.boolean(),
})
export type OpenFile = z.infer<typeof openFileSchema>

export const roleSchema = z.enum(['admin', 'viewer'])
export type Role = z.infer<typeof roleSchema>

/** A change in the storage compared with the base (what `layerdeck status --json` lists). */
export const changeSchema = z.object({
  path: z.string(),
  state: changeStateSchema,
  type: entryTypeSchema,
  /** Apparent size in storage (bytes; 0 for anything but files). */
  size: z.number().int().nonnegative(),
  fields: z.array(fieldChangeSchema),
})
export type Change = z.infer<typeof changeSchema>

/** "true"/"false"/"1"/"0" in a query string. */
export const queryBoolean = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1')

export const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, 'a whole number')
    .optional()
    .transform((v) => (v === undefined ? fallback : Number(v)))
    .pipe(z.number().int().min(min).max(max))
