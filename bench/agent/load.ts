/**
 * A closed-loop HTTP load generator (autocannon-style): N connections, each sending its next
 * request as soon as the last answer is read, for a duration; prints one JSON line with the
 * count, requests per second and latency percentiles. Runs as its own process so its CPU and
 * event loop are not the bench's.
 *
 *   node --import tsx load.ts --url URL --cookie C --connections 50 --seconds 10 --paths /api/tree?path=/etc,/api/changes
 *   ... --page DIR,TOTAL,LIMIT   each connection pages through DIR (offset 0..TOTAL by LIMIT), again and again
 */
import { Agent, request } from 'node:http'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    cookie: { type: 'string', default: '' },
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    paths: { type: 'string', default: '' },
    page: { type: 'string', default: '' },
  },
})
const base = new URL(values.url as string)
const connections = Number(values.connections)
const until = Date.now() + Number(values.seconds) * 1000
const agent = new Agent({ keepAlive: true, maxSockets: connections })
const latencies: number[] = []
let errors = 0

function get(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const req = request({ host: base.hostname, port: base.port, path, agent, headers: { cookie: values.cookie } }, (res) => {
      res.on('data', () => undefined)
      res.on('end', () => {
        if (res.statusCode !== 200) errors += 1
        resolve(Number(process.hrtime.bigint() - start) / 1e6)
      })
    })
    req.on('error', reject)
    req.end()
  })
}

function* pathsFor(worker: number): Generator<string> {
  if (values.page !== '') {
    const [dir, total, limit] = (values.page).split(',')
    for (;;) for (let o = 0; o < Number(total); o += Number(limit)) yield `/api/tree?path=${encodeURIComponent(dir as string)}&offset=${o}&limit=${limit}`
  }
  const list = (values.paths).split(',')
  for (let i = worker; ; i++) yield list[i % list.length] as string
}

async function worker(n: number): Promise<void> {
  const paths = pathsFor(n)
  while (Date.now() < until) {
    try {
      latencies.push(await get(paths.next().value as string))
    } catch {
      errors += 1
    }
  }
}

const started = Date.now()
await Promise.all(Array.from({ length: connections }, (_, i) => worker(i)))
const seconds = (Date.now() - started) / 1000
latencies.sort((a, b) => a - b)
const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, errors, rps: Math.round(latencies.length / seconds), p50: +pct(50).toFixed(2), p99: +pct(99).toFixed(2), max: +(latencies.at(-1) ?? NaN).toFixed(2) })}\n`,
)
agent.destroy()
