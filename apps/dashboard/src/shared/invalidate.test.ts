import { describe, expect, it } from 'vitest'
import type { AgentEvent } from '@layerdeck/api'
import { predicateFor } from './invalidate.ts'
import { keys } from './queryKeys.ts'

const change = (path: string, kind: 'modify' | 'delete' = 'modify'): AgentEvent => ({
  kind: 'change',
  id: '1',
  data: { path, change: kind, time: 0 },
})

describe('what an event invalidates', () => {
  it('a change touches its folders, its diff and the change list, not its neighbours', () => {
    const touched = predicateFor([change('/etc/network/interfaces')])
    expect(touched(keys.tree.page('/etc/network', 0, 500))).toBe(true)
    expect(touched(keys.tree.page('/etc', 3, 500))).toBe(true) // storage bytes roll up
    expect(touched(keys.tree.page('/', 0, 500))).toBe(true)
    expect(touched(keys.tree.page('/opt', 0, 500))).toBe(false)
    expect(touched(keys.diff.path('/etc/network/interfaces'))).toBe(true)
    expect(touched(keys.diff.path('/etc/network'))).toBe(true) // a folder's diff lists it
    expect(touched(keys.diff.path('/etc/hosts'))).toBe(false)
    expect(touched(keys.file.side('/etc/hosts', 'current'))).toBe(false)
    expect(touched(keys.changes())).toBe(true)
    expect(touched(keys.audit())).toBe(false)
  })

  it('a folder revert also touches everything below it; a reset touches everything', () => {
    const revert = predicateFor([{ kind: 'revert', id: '2', data: { path: '/etc', time: 0 } }])
    expect(revert(keys.tree.page('/etc/network', 0, 500))).toBe(true)
    expect(revert(keys.diff.path('/etc/hosts'))).toBe(true)
    expect(revert(keys.tree.page('/opt', 0, 500))).toBe(false)
    const reset = predicateFor([{ kind: 'reset', id: '3', data: { path: '/', time: 0 } }])
    expect(reset(keys.tree.page('/opt', 0, 500))).toBe(true)
  })
})
