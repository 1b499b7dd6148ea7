/**
 * The agent's benchmark (issue 10): its RSS at rest on the demo (from source and as the device
 * bundle) and while 20 clients page through a 50,000-entry folder; API latency with 50
 * connections; 100 open event streams; and what the agent under load costs the filesystem
 * (read-all and create through the mount, idle vs loaded, interleaved). Prints a Markdown report
 * and writes it to bench/results/agent-<date>.md. See README.md beside this file.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { startDemo } from '../../apps/agent/src/demo/demo.ts'
import { median, openStreams, REPO, rssMiB, sampleRss, signIn, sleep, startLoad, timed, type LoadResult } from './measure.ts'

const WORK = process.env.LAYERDECK_BENCH_DIR ?? '/var/tmp/layerdeck-agent-bench'
const PORT = Number(process.env.LAYERDECK_BENCH_PORT ?? 18480)
const REPS = Number(process.env.LAYERDECK_BENCH_REPS ?? 3)
/** Only some phases: rest, api, fs (comma-separated; default all). */
const ONLY = (process.env.LAYERDECK_BENCH_ONLY ?? 'rest,api,fs').split(',')
/** Extra node flags for the bundled agent (e.g. --max-semi-space-size=2). */
const NODE_FLAGS = (process.env.LAYERDECK_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
const BIG = 50_000
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`)
const lines: string[] = []
const out = (line = ''): void => {
  lines.push(line)
  process.stdout.write(`${line}\n`)
}

/** examples/rootfs plus a 50,000-entry folder and a 5,000-file tree for read-all, built once. */
function fixture(): string {
  const rootfs = `${WORK}/rootfs`
  if (existsSync(`${rootfs}/.bench-v1`)) return rootfs
  log('building the fixture (examples/rootfs + srv/bench)')
  execFileSync('rm', ['-rf', rootfs])
  execFileSync('cp', ['-a', `${REPO}/examples/rootfs`, rootfs])
  execFileSync('cp', [`${REPO}/examples/rootfs.pseudo`, `${WORK}/rootfs.pseudo`])
  execFileSync('bash', ['-c', `set -e; mkdir -p ${rootfs}/srv/bench/big; cd ${rootfs}/srv/bench/big; seq -f 'entry-%05g' 0 ${BIG - 1} | xargs touch
    for d in $(seq -w 0 99); do mkdir -p ../tree/d$d; for f in $(seq -w 0 49); do head -c 1024 /dev/urandom > ../tree/d$d/f$f.bin; done; done
    touch ${rootfs}/.bench-v1`])
  return rootfs
}

function startBundled(bundle: string, storage: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS, `${bundle}/layerdeck.mjs`, 'serve', '--storage', storage, '--port', String(PORT)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  return new Promise((resolve, reject) => {
    const on = (d: Buffer): void => {
      text += d.toString()
      if (text.includes('layerdeck: serving')) resolve(child)
    }
    child.stdout?.on('data', on)
    child.stderr?.on('data', on)
    child.once('exit', (code) => reject(new Error(`bundled agent exited ${code}: ${text}`)))
  })
}

const fmt = (r: LoadResult): string => `${r.rps} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, ${r.errors} errors`

async function restRss(pid: number): Promise<number> {
  await sleep(10_000)
  const samples: number[] = []
  for (let i = 0; i < 10; i++, await sleep(300)) samples.push(rssMiB(pid))
  return median(samples)
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true })
  const rootfs = fixture()
  const demo = await startDemo({ dir: `${WORK}/demo`, rootfs, port: PORT, log })
  let bundled: ChildProcess | undefined
  try {
    const url = `http://127.0.0.1:${PORT}/`
    const cookie = await signIn(url, demo.username, demo.password)
    out(`# Agent bench, ${new Date().toISOString()} (node ${process.version}, ${execFileSync('nproc').toString().trim()} cores)`)
    out()
    out('| what | figure |')
    out('|---|---|')
    if (ONLY.includes('rest')) out(`| agent RSS at rest, demo mounted, \`bin/layerdeck serve\` from source | ${(await restRss(demo.agentPid() as number)).toFixed(1)} MiB |`)
    const bundle = `${WORK}/bundle`
    log('building the device bundle (scripts/bundle.sh)')
    execFileSync('bash', [`${REPO}/scripts/bundle.sh`, bundle], { stdio: ['ignore', 'ignore', 'inherit'] })
    await demo.killAgent()
    bundled = await startBundled(bundle, demo.storage)
    const pid = bundled.pid as number
    // LAYERDECK_BENCH_SCHED=idle: the agent runs only on CPU nobody else wants (SCHED_IDLE, every thread).
    if (process.env.LAYERDECK_BENCH_SCHED === 'idle') execFileSync('chrt', ['-a', '-i', '-p', '0', String(pid)])
    if (ONLY.includes('rest')) out(`| agent RSS at rest, demo mounted, device bundle (\`node ${NODE_FLAGS.join(' ')} layerdeck.mjs serve\`) | ${(await restRss(pid)).toFixed(1)} MiB |`)
    if (ONLY.includes('api')) await apiFigures(url, cookie, pid)
    if (ONLY.includes('fs')) await fsCost(url, cookie, demo.device)
  } finally {
    bundled?.kill('SIGTERM')
    await sleep(1000)
    await demo.stop()
  }
  mkdirSync(`${REPO}/bench/results`, { recursive: true })
  const file = `${REPO}/bench/results/agent-${new Date().toISOString().replace(/[:.]/g, '-')}.md`
  writeFileSync(file, `${lines.join('\n')}\n`)
  log(`report written to ${file}`)
}

async function apiFigures(url: string, cookie: string, pid: number): Promise<void> {
  const paging = await sampleRss(pid, () => startLoad(['--url', url, '--cookie', cookie, '--connections', '20', '--seconds', '20', '--page', `/srv/bench/big,${BIG},500`]).done)
  out(`| agent RSS while 20 clients page through a ${BIG.toLocaleString('en')}-entry folder (limit 500), peak | ${paging.maxMiB.toFixed(1)} MiB (${fmt(paging.result)}) |`)
  for (const [label, paths] of [
    ['/api/tree?path=/etc', '/api/tree?path=/etc'],
    ['/api/changes', '/api/changes'],
    [`/api/tree, a page of 500 of the ${BIG.toLocaleString('en')}-entry folder`, '/api/tree?path=/srv/bench/big&offset=25000&limit=500'],
  ] as const) {
    const r = await sampleRss(pid, () => startLoad(['--url', url, '--cookie', cookie, '--connections', '50', '--seconds', '10', '--paths', paths]).done)
    out(`| 50 connections on ${label}, 10 s | ${fmt(r.result)}; RSS peak ${r.maxMiB.toFixed(1)} MiB |`)
  }
  const streams = await openStreams(url, cookie, 100)
  await sleep(2000)
  const rss = rssMiB(pid)
  const delays: number[] = []
  for (let i = 0; i < 5; i++) {
    const wait = streams.waitAll(`sse-probe-${i}`)
    await timed(`touch ${WORK}/demo/device/tmp/sse-probe-${i}`)
    delays.push(...(await wait))
  }
  streams.close()
  delays.sort((a, b) => a - b)
  out(`| 100 open /api/events streams | RSS ${rss.toFixed(1)} MiB; from the daemon seeing a change through the mount to each of the 100 streams: p50 ${median(delays).toFixed(1)} ms, max ${(delays.at(-1) as number).toFixed(1)} ms (5 changes) |`)
}

/** read-all and create through the mount, with no load, 20 clients paging, and 50 connections on tree+changes, interleaved. */
async function fsCost(url: string, cookie: string, device: string): Promise<void> {
  const loads: Record<string, string[] | null> = {
    idle: null,
    '20 clients paging': ['--connections', '20', '--page', `/srv/bench/big,${BIG},500`],
    '50 connections on tree + changes': ['--connections', '50', '--paths', '/api/tree?path=/etc,/api/changes'],
  }
  const workloads: Record<string, (rep: number) => string> = {
    'read-all (cat 5,000 files of 1 KiB)': () => `find ${device}/srv/bench/tree -type f -exec cat {} + >/dev/null`,
    'create (2,000 files in 20 new dirs)': (rep) => `for d in $(seq 0 19); do mkdir -p ${device}/srv/new-${rep}/d$d; for f in $(seq 0 99); do echo $f > ${device}/srv/new-${rep}/d$d/f$f; done; done`,
  }
  await timed(workloads['read-all (cat 5,000 files of 1 KiB)']!(0)) // warm the page cache
  const times: Record<string, number[]> = {}
  let rep = 0
  for (let r = 0; r < REPS; r++) {
    for (const [load, args] of Object.entries(loads)) {
      const gen = args === null ? undefined : startLoad(['--url', url, '--cookie', cookie, '--seconds', '600', ...args])
      if (gen !== undefined) await sleep(2000)
      for (const [name, cmd] of Object.entries(workloads)) {
        rep += 1
        ;(times[`${name}|${load}`] ??= []).push(await timed(cmd(rep)))
        if (name.startsWith('create')) await timed(`rm -rf ${device}/srv/new-${rep}`)
      }
      gen?.child.kill('SIGTERM')
      if (gen !== undefined) await gen.done.catch(() => undefined)
    }
  }
  out()
  out(`What the agent under load costs the filesystem (median of ${REPS}, ms; ratio to idle):`)
  out()
  out(`| workload | ${Object.keys(loads).join(' | ')} |`)
  out(`|---|${Object.keys(loads).map(() => '---:').join('|')}|`)
  for (const name of Object.keys(workloads)) {
    const idle = median(times[`${name}|idle`] ?? [])
    const cells = Object.keys(loads).map((l) => {
      const m = median(times[`${name}|${l}`] ?? [])
      return l === 'idle' ? m.toFixed(0) : `${m.toFixed(0)} (${(m / idle).toFixed(2)})`
    })
    out(`| ${name} | ${cells.join(' | ')} |`)
  }
}

await main()
