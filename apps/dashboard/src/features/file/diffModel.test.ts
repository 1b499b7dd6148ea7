import { describe, expect, it } from 'vitest'
import { lineCounts, splitRows } from './diffModel.ts'

describe('diffModel', () => {
  it('pairs a removed run with the added run after it, not with later ones', () => {
    const rows = splitRows([
      { oldStart: 5, oldLines: 3, newStart: 5, newLines: 3, lines: ['-a', ' b', '+c', '-d', '+e'] },
    ])
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      [null, null],
      ['a', null],
      ['b', 'b'],
      [null, 'c'],
      ['d', 'e'],
    ])
    expect(rows[4]?.left?.no).toBe(7)
    expect(rows[4]?.right?.no).toBe(7)
  })

  it('counts what a revert loses', () => {
    expect(
      lineCounts([
        { oldStart: 1, oldLines: 1, newStart: 1, newLines: 2, lines: ['-x', '+y', '+z'] },
      ]),
    ).toEqual({ added: 2, removed: 1 })
  })
})
