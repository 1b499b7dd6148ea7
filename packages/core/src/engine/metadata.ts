/** Attribute changes: chmod, chown, utimens, and extended attributes. Each copies up first. */
import type { OverlayContext } from './context.ts'
import { forChange } from './copyUp.ts'
import { isSymlink } from './fileMode.ts'
import { OverlayError } from './OverlayError.ts'
import { isPrivateXattr } from './storageFormat.ts'
import { UTIME_OMIT, type Timestamp } from './sys.ts'

export const XATTR_CREATE = 1
export const XATTR_REPLACE = 2

export function chmod(ctx: OverlayContext, path: string, mode: number): void {
  const entry = forChange(ctx, path, ctx.layers.require(path, 'chmod'))
  if (!isSymlink(entry.stat.mode)) ctx.sys.chmod(entry.real, mode & 0o7777)
}

export function chown(ctx: OverlayContext, path: string, uid: number, gid: number): void {
  const entry = forChange(ctx, path, ctx.layers.require(path, 'chown'))
  ctx.sys.lchown(entry.real, toId(uid), toId(gid))
}

/** -1 (or its unsigned 32-bit form) means "leave unchanged". */
export function toId(id: number): number {
  return id === 0xffffffff || id < 0 ? -1 : id
}

/** utimensat(2) on a merged path: exact times; nsec UTIME_NOW or UTIME_OMIT as the kernel means them. */
export function utimens(ctx: OverlayContext, path: string, atime: Timestamp, mtime: Timestamp): void {
  if (atime.nsec === UTIME_OMIT && mtime.nsec === UTIME_OMIT) {
    ctx.layers.require(path, 'utimens')
    return
  }
  const entry = forChange(ctx, path, ctx.layers.require(path, 'utimens'))
  ctx.sys.utimens(entry.real, atime, mtime)
}

export function getxattr(ctx: OverlayContext, path: string, name: string): Buffer | undefined {
  if (isPrivateXattr(name)) throw new OverlayError('ENOTSUP', 'getxattr', path)
  return ctx.sys.getXattr(ctx.layers.require(path, 'getxattr').real, name)
}

export function listxattr(ctx: OverlayContext, path: string): string[] {
  return ctx.sys.listXattr(ctx.layers.require(path, 'listxattr').real).filter((n) => !isPrivateXattr(n))
}

export function setxattr(ctx: OverlayContext, path: string, name: string, value: Buffer, flags: number): void {
  if (isPrivateXattr(name)) throw new OverlayError('ENOTSUP', 'setxattr', path)
  const found = ctx.layers.require(path, 'setxattr')
  const exists = ctx.sys.getXattr(found.real, name) !== undefined
  if (flags & XATTR_CREATE && exists) throw new OverlayError('EEXIST', 'setxattr', path)
  if (flags & XATTR_REPLACE && !exists) throw new OverlayError('ENODATA', 'setxattr', path)
  ctx.sys.setXattr(forChange(ctx, path, found).real, name, value)
}

export function removexattr(ctx: OverlayContext, path: string, name: string): void {
  if (isPrivateXattr(name)) throw new OverlayError('ENOTSUP', 'removexattr', path)
  const found = ctx.layers.require(path, 'removexattr')
  if (ctx.sys.getXattr(found.real, name) === undefined) throw new OverlayError('ENODATA', 'removexattr', path)
  ctx.sys.removeXattr(forChange(ctx, path, found).real, name)
}
