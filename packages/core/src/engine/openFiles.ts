/** Opening and creating files: the handle is the real descriptor of the file in its layer. */
import { inoOf, storageIno } from './attr.ts'
import type { Caller, OverlayContext } from './context.ts'
import { forChange } from './copyUp.ts'
import { isDir, O_ACCMODE, O_APPEND, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, wantsWrite } from './fileMode.ts'
import type { HandleTable } from './handles.ts'
import { nameOf } from './mergedPath.ts'
import * as ns from './namespace.ts'
import { OverlayError } from './OverlayError.ts'

const O_NOATIME = 0o1000000
const O_DIRECT = 0o40000
/** Flags handed on to the real open(2). */
const PASS_FLAGS = ~(O_CREAT | O_EXCL | O_NOCTTY | O_DIRECT)

/** open(2) of a merged path: a write copies the file up first; a base file is read O_NOATIME. */
export function openFile(ctx: OverlayContext, handles: HandleTable, path: string, flags: number, opener: Caller | undefined): number {
  let entry = ctx.layers.require(path, 'open')
  if (isDir(entry.stat.mode) && wantsWrite(flags)) throw new OverlayError('EISDIR', 'open', path)
  const changes = wantsWrite(flags) || (flags & O_TRUNC) !== 0
  if (changes) entry = forChange(ctx, path, entry, (flags & O_TRUNC) === 0)
  const realFlags = (flags & PASS_FLAGS) | (entry.layer === 'base' ? O_NOATIME : 0)
  const fd = ctx.sys.open(entry.real, realFlags)
  const { ino } = inoOf(ctx.layers, entry, nameOf(path))
  return handles.add({ fd, path, layer: entry.layer, flags: flags & (O_ACCMODE | O_APPEND), ino, written: false, opener })
}

/** A new storage file at `path`, opened for writing (the caller's own). */
export function createFile(
  ctx: OverlayContext,
  handles: HandleTable,
  path: string,
  mode: number,
  flags: number,
  opener: Caller | undefined,
): number {
  let fd = -1
  const openFlags = O_CREAT | O_EXCL | (flags & PASS_FLAGS & ~O_ACCMODE) | 0o2
  ns.createEntry(ctx, path, 'open', (real) => {
    fd = ctx.sys.open(real, openFlags, mode & 0o7777)
  })
  const ino = storageIno(ctx.sys.fstat(fd).ino)
  return handles.add({ fd, path, layer: 'storage', flags: 0o2 | (flags & O_APPEND), ino, written: false, opener })
}
