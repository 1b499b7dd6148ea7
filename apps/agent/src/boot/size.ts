/** Sizes as tmpfs takes them: a whole number with an optional K, M or G suffix (64M, 1G). */

const SIZE = /^([1-9][0-9]*)([KMG]?)$/i

/** Returns the size normalised for `mount -o size=` (e.g. "64m"), or throws saying the format. */
export function parseTmpfsSize(value: string, flag: string): string {
  const match = SIZE.exec(value.trim())
  if (match === null) {
    throw new Error(
      `${flag} takes a size in bytes with an optional K, M or G suffix (e.g. 64M or 1G), not '${value}'`,
    )
  }
  const [, digits, unit] = match as unknown as [string, string, string]
  return `${digits}${unit.toLowerCase()}`
}
