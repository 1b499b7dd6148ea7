import { describe, expect, it } from 'vitest'
import type { Change } from '@layerdeck/api'
import { normalizeKeep, suggestKeeps } from './keepSuggestions.ts'

const c = (path: string): Change => ({ path, state: 'modified', type: 'file', size: 1, fields: [] })

describe('keep suggestions', () => {
  it('suggests only the usual roots that hold changes, with how many', () => {
    const s = suggestKeeps([
      c('/etc/network/interfaces'),
      c('/etc/network/if-up.d/x'),
      c('/root/.ssh/authorized_keys'),
      c('/etc/hosts'),
    ])
    expect(s.map((x) => [x.root, x.changes, x.preselect])).toEqual([
      ['/etc/network', 2, true],
      ['/root/.ssh', 1, false],
    ])
  })

  it('drops duplicates and paths under another kept path', () => {
    expect(
      normalizeKeep(['/etc/network/', '/etc/network/interfaces', '/etc/passwd', '/etc/passwd']),
    ).toEqual(['/etc/network', '/etc/passwd'])
  })
})
