/**
 * trusted.overlay.redirect values (a directory the kernel renamed with redirect_dir=on): either
 * an absolute path from the layer's root ("/a/b") or one name in the same parent directory.
 * Anything else could point outside the layer (`/../../tmp`) and is refused: by the restore
 * validator (never written), and when reading, by the engine (layers.ts) and status/diff (read
 * as "no redirect").
 */
import { decodeName } from './byteNames.ts'

/** Why a redirect value is not acceptable, or undefined when it is. */
export function redirectProblem(value: Buffer): string | undefined {
  // The kernel writes no terminator; tolerate trailing NULs other tools may add.
  let end = value.length
  while (end > 0 && value[end - 1] === 0) end -= 1
  const bytes = value.subarray(0, end)
  if (bytes.length === 0) return 'is empty'
  if (bytes.includes(0)) return 'contains a NUL byte'
  if (bytes.length > 4095) return 'is longer than 4095 bytes'
  const text = bytes.toString('latin1')
  const parts = text.startsWith('/') ? text.slice(1).split('/') : [text]
  if (!text.startsWith('/') && text.includes('/')) return 'is a relative path with more than one name (a relative redirect is one name in the same directory)'
  for (const part of parts) {
    if (part === '') return 'has an empty path component'
    if (part === '.' || part === '..') return `has a '${part}' component`
    if (part.length > 255) return 'has a name longer than 255 bytes'
  }
  return undefined
}

/** The redirect as a path string when it is acceptable, else undefined. */
export function validRedirect(value: Buffer | undefined): string | undefined {
  if (value === undefined || redirectProblem(value) !== undefined) return undefined
  let end = value.length
  while (end > 0 && value[end - 1] === 0) end -= 1
  return decodeName(value.subarray(0, end))
}
