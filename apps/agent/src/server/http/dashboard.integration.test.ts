/** The dashboard's files: pre-compressed variants, the SPA fallback, and the page shown until a build exists. */
import { mkdirSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { gzipSync, brotliCompressSync } from 'node:zlib'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '@layerdeck/testkit'
import { dashboard } from './dashboard.ts'

const tmp = tempDir('layerdeck-dash-')
let url = ''
let close = (): void => undefined

beforeAll(async () => {
  const dist = `${tmp.path}/dist`
  mkdirSync(`${dist}/assets`, { recursive: true })
  writeFileSync(`${dist}/index.html`, '<!doctype html><title>LayerDeck dashboard</title>')
  const js = 'console.log("dashboard")\n'.repeat(50)
  writeFileSync(`${dist}/assets/app.js`, js)
  writeFileSync(`${dist}/assets/app.js.gz`, gzipSync(js))
  writeFileSync(`${dist}/assets/app.js.br`, brotliCompressSync(js))
  const app = express()
  app.use('/api', (_req, res) => void res.status(404).json({ problem: 'not-found', message: 'x' }))
  app.use('/built', dashboard(dist, 100))
  app.use('/unbuilt', dashboard(`${tmp.path}/none`))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((r) => server.once('listening', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => void server.close()
})
afterAll(() => {
  close()
  tmp.cleanup()
})

describe('the dashboard', () => {
  it('is served pre-compressed, with the SPA fallback for the app routes', async () => {
    const br = await fetch(`${url}/built/assets/app.js`, { headers: { 'accept-encoding': 'br' } })
    expect(br.headers.get('content-encoding')).toBe('br')
    const gz = await fetch(`${url}/built/assets/app.js`, { headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect((await gz.text()).startsWith('console.log')).toBe(true)
    for (const route of ['/built/', '/built/tree/etc/hosts', '/built/reset']) {
      const page = await fetch(`${url}${route}`)
      expect([route, page.status, await page.text()]).toEqual([route, 200, '<!doctype html><title>LayerDeck dashboard</title>'])
    }
    expect((await fetch(`${url}/api/whatever`)).status).toBe(404)
  })

  it('picks up a new build while it runs', async () => {
    const dist = `${tmp.path}/dist`
    writeFileSync(`${dist}/assets/app-2.js`, 'console.log("rebuilt")')
    writeFileSync(`${dist}/index.html`, '<!doctype html><title>rebuilt</title>')
    const { utimesSync } = await import('node:fs')
    utimesSync(`${dist}/index.html`, new Date(), new Date(Date.now() + 60_000))
    await new Promise((r) => setTimeout(r, 300))
    expect(await (await fetch(`${url}/built/`)).text()).toBe('<!doctype html><title>rebuilt</title>')
    expect((await fetch(`${url}/built/assets/app-2.js`)).status).toBe(200)
  })

  it('says it is not built yet until it is', async () => {
    const page = await fetch(`${url}/unbuilt/`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('the dashboard has not been built yet')
  })
})
