import { render, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Hunk } from '@layerdeck/api'
import { DiffView } from './DiffView.tsx'

const hunks: Hunk[] = [
  {
    oldStart: 1,
    oldLines: 4,
    newStart: 1,
    newLines: 4,
    lines: [
      ' auto lo',
      '-iface eth0 inet dhcp',
      '-  hostname pgw',
      '+iface eth0 inet static',
      '+  address 10.0.0.2',
      '+  netmask 255.255.255.0',
      ' auto wlan0',
      '\\ No newline at end of file',
    ],
  },
]

const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent)

describe('the diff', () => {
  it('side by side pairs each removed line with the added line that replaces it', () => {
    render(<DiffView hunks={hunks} layout="split" />)
    const table = screen.getByRole('table', { name: /side by side/ })
    expect(within(table).getByRole('columnheader', { name: 'Factory' })).toBeTruthy()
    const rows = within(table).getAllByRole('row').slice(1) // the header row
    expect(rows[0]?.textContent).toBe('@@ -1,4 +1,4 @@')
    expect(cells(rows[1] as HTMLElement)).toEqual(['1', ' auto lo', '1', ' auto lo'])
    expect(cells(rows[2] as HTMLElement)).toEqual([
      '2',
      '−iface eth0 inet dhcp',
      '2',
      '+iface eth0 inet static',
    ])
    expect(cells(rows[3] as HTMLElement)).toEqual([
      '3',
      '−  hostname pgw',
      '3',
      '+  address 10.0.0.2',
    ])
    // More lines added than removed: the factory side is blank.
    expect(cells(rows[4] as HTMLElement)).toEqual(['', '', '4', '+  netmask 255.255.255.0'])
    expect(cells(rows[5] as HTMLElement)).toEqual(['4', ' auto wlan0', '5', ' auto wlan0'])
    expect(rows[6]?.textContent).toBe('\\ No newline at end of file')
  })

  it('unified shows one column with both line numbers and a sign on every change', () => {
    render(<DiffView hunks={hunks} layout="unified" />)
    const table = screen.getByRole('table', { name: /unified/ })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(cells(rows[1] as HTMLElement)).toEqual(['1', '1', ' ', 'auto lo'])
    expect(cells(rows[2] as HTMLElement)).toEqual(['2', '', '−', 'iface eth0 inet dhcp'])
    expect(cells(rows[4] as HTMLElement)).toEqual(['', '2', '+', 'iface eth0 inet static'])
    expect(cells(rows[7] as HTMLElement)).toEqual(['4', '5', ' ', 'auto wlan0'])
  })

  it('chooses unified when the width is unknown or narrow', () => {
    const { container } = render(<DiffView hunks={hunks} />)
    expect(container.querySelector('[data-layout]')?.getAttribute('data-layout')).toBe('unified')
  })
})
