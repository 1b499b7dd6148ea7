/**
 * Paths as seen inside the overlay ("merged" paths): absolute, '/'-separated, normalised.
 * Pure string functions, so they cost nothing on the FUSE hot path.
 */
import { OverlayError } from './OverlayError.ts'

export const ROOT = '/'

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i <= 0 ? ROOT : path.slice(0, i)
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

export function joinPath(dir: string, name: string): string {
  return dir === ROOT ? `/${name}` : `${dir}/${name}`
}

/** Normalises a user-supplied overlay path; refuses anything that could leave the overlay. */
export function normalizeMergedPath(input: string, syscall = 'resolve'): string {
  if (input.includes('\0')) throw new OverlayError('EINVAL', syscall, input, 'path contains a NUL byte')
  const parts: string[] = []
  for (const part of input.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') throw new OverlayError('EINVAL', syscall, input, "path must not contain '..'")
    parts.push(part)
  }
  return parts.length === 0 ? ROOT : `/${parts.join('/')}`
}

/** Is `path` equal to `dir` or inside it? */
export function isWithin(path: string, dir: string): boolean {
  return dir === ROOT || path === dir || path.startsWith(`${dir}/`)
}
