import { describe, expect, it } from 'vitest'
import type { Change } from '@layerdeck/api'
import { buildChangeTree, flattenChanges } from './changesTree.ts'

const change = (path: string, state: Change['state'], type: Change['type'] = 'file'): Change => ({
  path,
  state,
  type,
  size: 1,
  fields: [],
})

describe('the changes-only tree', () => {
  const root = buildChangeTree([
    change('/etc/hosts', 'modified'),
    change('/opt/app/data/db', 'added'),
    change('/etc/motd', 'deleted'),
    change('/opt/app', 'added', 'dir'),
  ])

  it('shows every change under its parents, sorted, the parents on the way included', () => {
    const rows = flattenChanges(root, new Set())
    expect(rows.map((r) => `${r.level} ${r.node.path} ${r.node.change?.state ?? '-'}`)).toEqual([
      '1 /etc -',
      '2 /etc/hosts modified',
      '2 /etc/motd deleted',
      '1 /opt -',
      '2 /opt/app added',
      '3 /opt/app/data -',
      '4 /opt/app/data/db added',
    ])
  })

  it('folds a folder', () => {
    const rows = flattenChanges(root, new Set(['/opt/app']))
    expect(rows.map((r) => r.node.path)).toEqual([
      '/etc',
      '/etc/hosts',
      '/etc/motd',
      '/opt',
      '/opt/app',
    ])
    expect(rows.find((r) => r.node.path === '/opt/app')?.expanded).toBe(false)
  })
})
