/** Pieces of the agent bench: RSS sampling, child commands, the load generator, SSE streams, medians. */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'

export const REPO = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '')
const TSX = ['--conditions=@layerdeck/source', '--import', `${REPO}/node_modules/tsx/dist/esm/index.mjs`]

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2
}

/** VmRSS of a process in MiB. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? NaN : Number(m[1]) / 1024
}

/** Samples a process's RSS every 200 ms while `during` runs; the largest and the last sample. */
export async function sampleRss<T>(pid: number, during: () => Promise<T>): Promise<{ result: T; maxMiB: number; lastMiB: number }> {
  let max = rssMiB(pid)
  let last = max
  const timer = setInterval(() => {
    last = rssMiB(pid)
    max = Math.max(max, last)
  }, 200)
  try {
    return { result: await during(), maxMiB: max, lastMiB: last }
  } finally {
    clearInterval(timer)
  }
}

/** Runs `bash -c script`; resolves with the milliseconds it took (rejects on failure). */
export function timed(script: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    execFile('bash', ['-c', script], { maxBuffer: 1 << 26 }, (err, _out, stderr) => {
      if (err) reject(new Error(`${script}: ${stderr}`))
      else resolve(Number(process.hrtime.bigint() - start) / 1e6)
    })
  })
}

export interface LoadResult {
  requests: number
  errors: number
  rps: number
  p50: number
  p99: number
  max: number
}

/**
 * The load generator (load.ts) as a child process, at nice 19: it stands for browsers on other
 * machines, so it takes only CPU nothing else wants (the daemon, the workload and the agent first).
 */
export function startLoad(args: string[]): { child: ChildProcess; done: Promise<LoadResult> } {
  const child = spawn('nice', ['-n', '19', process.execPath, ...TSX, `${REPO}/bench/agent/load.ts`, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  const done = new Promise<LoadResult>((resolve, reject) => {
    child.once('exit', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as LoadResult)
      } catch {
        reject(new Error(`load generator gave no result: ${out}`))
      }
    })
  })
  return { child, done }
}

/**
 * Opens `n` /api/events streams; `waitAll(text)` resolves with each stream's delay from the
 * event's own time (when the daemon saw the change) to the frame's arrival.
 */
export async function openStreams(url: string, cookie: string, n: number): Promise<{ waitAll(text: string): Promise<number[]>; close(): void }> {
  const u = new URL(url)
  const listeners: Array<(chunk: string) => void> = []
  const reqs = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      new Promise<ReturnType<typeof request>>((resolve, reject) => {
        const req = request({ host: u.hostname, port: u.port, path: '/api/events', headers: { cookie } }, (res) => {
          res.setEncoding('utf8')
          res.on('data', (c: string) => listeners[i]?.(c))
          resolve(req)
        })
        req.on('error', reject)
        req.end()
      }),
    ),
  )
  return {
    waitAll: (text) =>
      Promise.all(
        reqs.map(
          (_, i) =>
            new Promise<number>((resolve) => {
              listeners[i] = (c) => {
                const time = /"time":(\d+)/.exec(c)
                if (c.includes(text) && time !== null) resolve(Date.now() - Number(time[1]))
              }
            }),
        ),
      ),
    close: () => reqs.forEach((r) => r.destroy()),
  }
}

/** Signs in; returns the session cookie. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url.replace(/\/$/, '') },
    body: JSON.stringify({ username, password }),
  })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
  return (res.headers.get('set-cookie') ?? '').split(';')[0] as string
}
