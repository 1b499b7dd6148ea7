import { describe, expect, it } from 'vitest'
import { endpoints } from './endpoints.ts'
import { buildOpenApi } from './openapi.ts'
import { PROBLEMS, PROBLEM_STATUS, problemSchema } from './problems.ts'
import { revertRequestSchema } from './actions.ts'
import { treeQuerySchema } from './tree.ts'

describe('the OpenAPI document', () => {
  const doc = buildOpenApi('9.9.9') as { openapi: string; paths: Record<string, Record<string, { parameters: Array<{ name: string }>; responses: Record<string, unknown> }>> }

  it('describes every endpoint under /api, once per method', () => {
    expect(doc.openapi).toBe('3.1.0')
    for (const e of Object.values(endpoints)) {
      expect(e.path.startsWith('/api/')).toBe(true)
      expect(doc.paths[e.path]?.[e.method]).toBeDefined()
    }
    expect(Object.values(doc.paths).flatMap(Object.keys)).toHaveLength(Object.keys(endpoints).length)
  })

  it('lists query parameters from the schemas and problems by status', () => {
    const tree = doc.paths['/api/tree']!.get!
    expect(tree.parameters.map((p) => p.name).sort()).toEqual(['limit', 'offset', 'path', 'q'])
    expect(Object.keys(tree.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '500']))
    expect(Object.keys(doc.paths['/api/revert']!.post!.responses)).toEqual(expect.arrayContaining(['403', '409', '415', '503']))
  })

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc)
  })
})

describe('the schemas', () => {
  it('give every problem a status', () => {
    for (const p of PROBLEMS) expect(PROBLEM_STATUS[p]).toBeGreaterThanOrEqual(400)
    expect(problemSchema.safeParse({ problem: 'nope', message: 'x' }).success).toBe(false)
  })

  it('turn query strings into numbers with defaults and bounds', () => {
    expect(treeQuerySchema.parse({})).toEqual({ path: '/', offset: 0, limit: 500 })
    expect(treeQuerySchema.parse({ offset: '10', limit: '20', path: '/etc' })).toEqual({ path: '/etc', offset: 10, limit: 20 })
    expect(treeQuerySchema.safeParse({ limit: '0' }).success).toBe(false)
    expect(treeQuerySchema.safeParse({ limit: '-1' }).success).toBe(false)
    expect(treeQuerySchema.safeParse({ offset: '1e3' }).success).toBe(false)
  })

  it('refuse a revert without paths or with unknown types', () => {
    expect(revertRequestSchema.safeParse({ paths: [] }).success).toBe(false)
    expect(revertRequestSchema.safeParse({ paths: ['/etc/hosts'], dryRun: 'yes' }).success).toBe(false)
    expect(revertRequestSchema.parse({ paths: ['/etc/hosts'] })).toEqual({ paths: ['/etc/hosts'] })
  })
})
