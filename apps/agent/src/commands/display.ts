/**
 * Text output a person can trust: anything a device user can choose (file names, symlink targets,
 * xattr names, file content) is escaped before it reaches a terminal, so no name can forge, hide
 * or rewrite a line. Names use core's displayPath (control characters, bidi controls, backslash,
 * raw bytes as \n, \xHH, \u202e). `--json` output is never escaped: JSON carries names as they are.
 */
import { displayPath } from '@layerdeck/core'

/** A path or name for text output. */
export const showPath = (path: string): string => displayPath(path)

/** Several paths, comma-separated. */
export const showPaths = (paths: readonly string[]): string => paths.map(showPath).join(', ')

/** A metadata value (mode, owner, time, xattr names) for text output. */
export const showValue = (value: string | number): string =>
  typeof value === 'number' ? String(value) : displayPath(value)

// C0 controls but tab, DEL, C1 controls, line/paragraph separators, bidi controls, raw bytes.
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSAFE_TEXT = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\udc80-\udcff]/g

/**
 * One line of file content (a diff line) for text output: what a terminal would act on is shown
 * as \xHH or \uHHHH; everything else, backslashes and tabs included, as itself, so text stays
 * readable. (A literal "\x1b" in a file therefore looks like an escaped ESC; --json tells them apart.)
 */
export function showText(line: string): string {
  return line.replace(UNSAFE_TEXT, (ch) => {
    const c = ch.charCodeAt(0)
    if (c >= 0xdc80 && c <= 0xdcff) return `\\x${(c - 0xdc00).toString(16).padStart(2, '0')}`
    if (c <= 0xff) return `\\x${c.toString(16).padStart(2, '0')}`
    return `\\u${c.toString(16).padStart(4, '0')}`
  })
}
