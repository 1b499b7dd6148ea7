/**
 * Component-test helpers: the app's providers around one screen, with the agent's answers
 * given per endpoint (fetch is replaced for the test; every request is recorded).
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, type RenderResult } from '@testing-library/react'
import type { ReactElement } from 'react'
import { vi } from 'vitest'
import { Router } from 'wouter'
import { memoryLocation } from 'wouter/memory-location'
import type { Device, Me } from '@layerdeck/api'
import { keys } from '../shared/queryKeys.ts'

export interface Call {
  method: string
  path: string
  query: URLSearchParams
  body: unknown
}

export interface Reply {
  status?: number
  body: unknown
  headers?: Record<string, string>
}

export type Route = (call: Call) => Reply | Promise<Reply>

/** Replaces fetch: "GET /api/tree" -> handler. Unknown endpoints answer 404 not-found. */
export function stubApi(routes: Record<string, Route>): Call[] {
  const calls: Call[] = []
  vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://device.test')
    const call: Call = {
      method: init.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    }
    calls.push(call)
    const route = routes[`${call.method} ${call.path}`]
    const reply = route
      ? await route(call)
      : { status: 404, body: { problem: 'not-found', message: `no ${call.path} here` } }
    return new Response(JSON.stringify(reply.body), {
      status: reply.status ?? 200,
      headers: { 'content-type': 'application/json', ...reply.headers },
    })
  })
  return calls
}

export const admin: Me = { username: 'admin', role: 'admin', via: 'cookie', idleExpiresAt: null }
export const viewer: Me = { username: 'olga', role: 'viewer', via: 'cookie', idleExpiresAt: null }

export const device: Device = {
  hostname: 'plant-gw-01',
  firmware: { prettyName: 'PlantOS 2026.11', versionId: '2026.11', buildId: '4711' },
  mount: {
    state: 'mounted',
    mountpoint: '/',
    base: '/rom',
    pid: 812,
    since: 0,
    engine: 'layerdeck (fuse)',
    ownedByAgent: false,
  },
  storage: { path: '/overlay', kind: 'persistent', filesystem: 'ext4', persistent: true },
  actions: 'live',
  pending: [],
  version: '0.1.0',
  uptimeSeconds: 100,
  agent: { pid: 900, startedAt: 0 },
}

export interface Options {
  path?: string
  me?: Me | null
  device?: Device
}

export interface Rendered extends RenderResult {
  client: QueryClient
  location: ReturnType<typeof memoryLocation> & { history: string[] }
}

export function renderScreen(ui: ReactElement, options: Options = {}): Rendered {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  })
  if (options.me !== undefined) client.setQueryData(keys.me(), options.me)
  client.setQueryData(keys.device(), options.device ?? device)
  const location = memoryLocation({ path: options.path ?? '/', record: true })
  const result = render(
    <QueryClientProvider client={client}>
      <Router hook={location.hook} searchHook={location.searchHook}>
        {ui}
      </Router>
    </QueryClientProvider>,
  )
  return { ...result, client, location }
}
