/** The merged tree one directory at a time, a file's content, and diffs against the base. */
import { z } from 'zod'
import {
  changeSchema,
  changeStateSchema,
  entryTypeSchema,
  fieldChangeSchema,
  overlayPathSchema,
  queryInt,
} from './common.ts'

export const TREE_PAGE_DEFAULT = 500
export const TREE_PAGE_MAX = 2000

export const treeQuerySchema = z.object({
  path: overlayPathSchema.optional().default('/'),
  offset: queryInt(0, 100_000_000, 0),
  limit: queryInt(1, TREE_PAGE_MAX, TREE_PAGE_DEFAULT),
  /** Only names containing this text (case-insensitive); `total` then counts the matches. */
  q: z.string().min(1).max(255).optional(),
})
export type TreeQuery = z.input<typeof treeQuerySchema>

export const treeEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  type: entryTypeSchema,
  /**
   * unchanged (the factory version, or a copy-up that changed nothing), modified, added,
   * metadata (same content; mode, owner, mtime or xattrs differ), deleted (a base entry
   * hidden by a whiteout: a ghost that revert brings back), opaque (a directory that hides the
   * base directory's contents).
   */
  state: changeStateSchema,
  /** The entry has a copy in storage (false: served from the base). */
  inStorage: z.boolean(),
  size: z.number().int().nonnegative(),
  /** st_mode, type bits included. */
  mode: z.number().int(),
  uid: z.number().int(),
  gid: z.number().int(),
  /** Milliseconds since the epoch. */
  mtime: z.number(),
  /** Symlinks: the target, as text (never followed). */
  target: z.string().nullable(),
  /** Bytes allocated in storage at and under this entry (folders: everything under them). */
  storageBytes: z.number().int().nonnegative(),
  /** Changed fields (metadata and modified entries). */
  fields: z.array(fieldChangeSchema),
})
export type TreeEntry = z.infer<typeof treeEntrySchema>

export const treePageSchema = z.object({
  path: z.string(),
  /** The directory itself. */
  dir: treeEntrySchema,
  /** Entries in the directory, deleted ghosts included. */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
  /** Sorted by name (UTF-16 code units), deleted ghosts in place. */
  entries: z.array(treeEntrySchema),
})
export type TreePage = z.infer<typeof treePageSchema>

export const FILE_CONTENT_DEFAULT = 256 * 1024
export const FILE_CONTENT_MAX = 1024 * 1024

export const fileQuerySchema = z.object({
  path: overlayPathSchema,
  side: z.enum(['base', 'current']).optional().default('current'),
  limit: queryInt(0, FILE_CONTENT_MAX, FILE_CONTENT_DEFAULT),
})
export type FileQuery = z.input<typeof fileQuerySchema>

export const fileContentSchema = z.object({
  path: z.string(),
  side: z.enum(['base', 'current']),
  type: entryTypeSchema,
  size: z.number().int().nonnegative(),
  mode: z.number().int(),
  uid: z.number().int(),
  gid: z.number().int(),
  mtime: z.number(),
  /** sha256 (hex) of the whole file; null for anything but files. */
  sha256: z.string().nullable(),
  /** Symlinks: the target as text. */
  target: z.string().nullable(),
  /** NUL bytes or not UTF-8: content is null, sizes and hash tell the story. */
  binary: z.boolean(),
  /** Text content (UTF-8), at most `limit` bytes of it; null for binaries and non-files. */
  content: z.string().nullable(),
  /** The file is longer than what `content` holds. */
  truncated: z.boolean(),
  limit: z.number().int().nonnegative(),
})
export type FileContent = z.infer<typeof fileContentSchema>

export const diffQuerySchema = z.object({ path: overlayPathSchema })
export type DiffQuery = z.input<typeof diffQuerySchema>

export const sideSchema = z.object({ size: z.number().int().nonnegative(), sha256: z.string() })

export const hunkSchema = z.object({
  oldStart: z.number().int(),
  oldLines: z.number().int(),
  newStart: z.number().int(),
  newLines: z.number().int(),
  /** Unified-diff lines: ' ' context, '-' base only, '+' current only, '\\' no newline at end. */
  lines: z.array(z.string()),
})
export type Hunk = z.infer<typeof hunkSchema>

export const contentDiffSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), patch: z.string(), hunks: z.array(hunkSchema) }),
  z.object({ kind: z.literal('binary'), base: sideSchema.nullable(), current: sideSchema.nullable() }),
  z.object({ kind: z.literal('symlink'), base: z.string().nullable(), current: z.string().nullable() }),
  z.object({ kind: z.literal('none') }),
])
export type ContentDiff = z.infer<typeof contentDiffSchema>

export const diffSchema = z.object({
  path: z.string(),
  /** What the path is now (for a deleted path: what the base has). */
  type: entryTypeSchema,
  state: changeStateSchema,
  fields: z.array(fieldChangeSchema),
  /** Text hunks, binary sizes and hashes, symlink targets, or none (metadata only, folders). */
  content: contentDiffSchema,
  /** A folder: every change under it (itself excluded). A file: empty. */
  changes: z.array(changeSchema),
})
export type Diff = z.infer<typeof diffSchema>
