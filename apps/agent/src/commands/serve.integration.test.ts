/**
 * `layerdeck serve` as a process of its own: it starts the mount daemon when none serves the
 * storage and stops it on its clean exit; kill -9 of the agent leaves the mount served; a
 * restarted agent attaches to it and, not having started it, leaves it running.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { forceUnmount, isMounted, LAYERDECK_BIN, sh, shOk, tempDir } from '@layerdeck/testkit'
import type { Device, Health } from '@layerdeck/api'
import { send } from '../server/testing/agentFixture.ts'

interface Served {
  child: ChildProcess
  url: string
  output(): string
  exited: Promise<number | null>
}

function serve(args: string[]): Promise<Served> {
  const child = spawn(LAYERDECK_BIN, ['serve', '--port', '0', '--host', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 60_000)
    const onData = (d: Buffer): void => {
      out += d.toString()
      const m = /serving .* on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
      if (m !== null) {
        clearTimeout(timer)
        resolve({ child, url: `http://127.0.0.1:${m[1]}`, output: () => out, exited })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${out}`)))
  })
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function fixture(): { base: string; storage: string; mnt: string } {
  const tmp = tempDir()
  const dirs = { base: `${tmp.path}/base`, storage: `${tmp.path}/storage`, mnt: `${tmp.path}/mnt` }
  for (const d of Object.values(dirs)) mkdirSync(d)
  cleanups.push(() => {
    forceUnmount(dirs.mnt)
    tmp.cleanup()
  })
  return dirs
}

const health = async (url: string): Promise<Health> => (await send(url, 'GET', '/api/health')).json as Health

async function tokenFor(storage: string): Promise<string> {
  await shOk(`echo admin-password | ${LAYERDECK_BIN} user add ada --storage ${storage} --role admin`)
  return (await shOk(`${LAYERDECK_BIN} user token ada --storage ${storage} 2>/dev/null`)).trim()
}

const daemonPid = (storage: string): number => (JSON.parse(readFileSync(`${storage}/work/layerdeck/mount.json`, 'utf8')) as { pid: number }).pid

describe('layerdeck serve', () => {
  it('starts the mount itself, survives kill -9 of the agent, and a restarted agent attaches', async () => {
    const { base, storage, mnt } = fixture()
    await shOk(`mkdir -p ${base}/etc && echo factory > ${base}/etc/hosts`)
    const first = await serve(['--storage', storage, '--base', base, '--mount', mnt])
    cleanups.push(async () => {
      first.child.kill('SIGKILL')
      await sh(`kill ${daemonPid(storage)} 2>/dev/null; sleep 1`)
    })
    expect(first.output()).toMatch(/no admin account yet[\s\S]*setup token/)
    expect(statSync(`${storage}/layerdeck/setup-token`).mode & 0o777).toBe(0o600)
    const token = await tokenFor(storage)
    expect(await health(first.url)).toMatchObject({ status: 'ok', mounted: true })
    const d = (await send(first.url, 'GET', '/api/device', { token })).json as Device
    expect(d.mount).toMatchObject({ state: 'mounted', ownedByAgent: true })
    const pid = daemonPid(storage)
    first.child.kill('SIGKILL')
    await first.exited
    expect(await shOk(`cat ${mnt}/etc/hosts`)).toBe('factory\n')
    expect(() => process.kill(pid, 0)).not.toThrow()
    await shOk(`echo edited > ${mnt}/etc/hosts`)
    const second = await serve(['--storage', storage, '--base', base, '--mount', mnt])
    const again = (await send(second.url, 'GET', '/api/device', { token })).json as Device
    expect(again.mount).toMatchObject({ state: 'mounted', pid, ownedByAgent: false })
    expect((await send(second.url, 'GET', '/api/changes', { token })).json).toMatchObject({ total: 1 })
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
    expect(isMounted(mnt)).toBe(true)
    expect(await shOk(`cat ${mnt}/etc/hosts`)).toBe('edited\n')
    const third = await serve(['--storage', storage])
    expect(await health(third.url)).toMatchObject({ status: 'ok', mounted: true })
    third.child.kill('SIGTERM')
    expect(await third.exited).toBe(0)
    expect(isMounted(mnt)).toBe(true)
  })

  it('stops the mount it started on its own clean exit', async () => {
    const { base, storage, mnt } = fixture()
    const agent = await serve(['--storage', storage, '--base', base, '--mount', mnt])
    cleanups.push(() => void agent.child.kill('SIGKILL'))
    expect(isMounted(mnt)).toBe(true)
    agent.child.kill('SIGINT')
    expect(await agent.exited).toBe(0)
    expect(isMounted(mnt)).toBe(false)
    expect(agent.output()).toContain('agent stopped')
  })

  it('keeps answering with no daemon, and says so', async () => {
    const { storage } = fixture()
    const agent = await serve(['--storage', storage])
    cleanups.push(() => void agent.child.kill('SIGKILL'))
    const h = await health(agent.url)
    expect(h).toMatchObject({ status: 'degraded', mounted: false })
    expect(h.reasons.join(' ')).toMatch(/mount is gone/)
    agent.child.kill('SIGTERM')
    expect(await agent.exited).toBe(0)
  })
})
