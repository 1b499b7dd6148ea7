/**
 * Diff hunks (unified lines from the agent) as rows to draw: unified (one column, old and new
 * line numbers) or split (base left, current right, a removed run paired with the added run
 * that follows it). Pure, so the pairing is tested without a DOM.
 */
import type { Hunk } from '@layerdeck/api'

export type LineKind = 'context' | 'removed' | 'added'

export interface UnifiedRow {
  kind: LineKind | 'hunk' | 'note'
  oldNo: number | null
  newNo: number | null
  text: string
}

export interface Cell {
  no: number
  text: string
  kind: LineKind
}

export interface SplitRow {
  kind: 'line' | 'hunk' | 'note'
  left: Cell | null
  right: Cell | null
  text?: string
}

const header = (h: Hunk) => `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`

export function unifiedRows(hunks: Hunk[]): UnifiedRow[] {
  const rows: UnifiedRow[] = []
  for (const h of hunks) {
    rows.push({ kind: 'hunk', oldNo: null, newNo: null, text: header(h) })
    let oldNo = h.oldStart
    let newNo = h.newStart
    for (const line of h.lines) {
      const mark = line[0]
      const text = line.slice(1)
      if (mark === '-') rows.push({ kind: 'removed', oldNo: oldNo++, newNo: null, text })
      else if (mark === '+') rows.push({ kind: 'added', oldNo: null, newNo: newNo++, text })
      else if (mark === '\\')
        rows.push({ kind: 'note', oldNo: null, newNo: null, text: line.slice(2) })
      else rows.push({ kind: 'context', oldNo: oldNo++, newNo: newNo++, text })
    }
  }
  return rows
}

export function splitRows(hunks: Hunk[]): SplitRow[] {
  const rows: SplitRow[] = []
  for (const h of hunks) {
    rows.push({ kind: 'hunk', left: null, right: null, text: header(h) })
    let oldNo = h.oldStart
    let newNo = h.newStart
    let removed: Cell[] = []
    let added: Cell[] = []
    const flush = () => {
      for (let i = 0; i < Math.max(removed.length, added.length); i++)
        rows.push({ kind: 'line', left: removed[i] ?? null, right: added[i] ?? null })
      removed = []
      added = []
    }
    for (const line of h.lines) {
      const mark = line[0]
      const text = line.slice(1)
      if (mark === '-') {
        if (added.length) flush()
        removed.push({ no: oldNo++, text, kind: 'removed' })
      } else if (mark === '+') added.push({ no: newNo++, text, kind: 'added' })
      else if (mark === '\\') {
        flush()
        rows.push({ kind: 'note', left: null, right: null, text: line.slice(2) })
      } else {
        flush()
        rows.push({
          kind: 'line',
          left: { no: oldNo++, text, kind: 'context' },
          right: { no: newNo++, text, kind: 'context' },
        })
      }
    }
    flush()
  }
  return rows
}

/** Lines only the current version has (lost by a revert) and lines only the base has. */
export function lineCounts(hunks: Hunk[]): { added: number; removed: number } {
  let added = 0
  let removed = 0
  for (const h of hunks)
    for (const line of h.lines) {
      if (line[0] === '+') added++
      else if (line[0] === '-') removed++
    }
  return { added, removed }
}
