/**
 * The demo device, started the way a technician would meet it: the sample factory image
 * (examples/rootfs packed as a read-only squashfs, or a fresh copy of the folder), a fresh
 * storage, an admin with a generated password, `layerdeck serve --base --mount` (which starts
 * the mount daemon itself), and a handful of typical changes made through the mount by child
 * processes. `npm run demo` (scripts/demo.sh, demo/main.ts) and the e2e tests both start it
 * here, so they run the same code.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { cleanupMounts, isMounted, packImage, run } from './image.ts'

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '')

export interface DemoOptions {
  /** Where everything lives (default /var/tmp/layerdeck-demo). */
  dir?: string
  rootfs?: string
  /** squashfs: packed and loop-mounted read-only like a real device (falls back to copy); copy: a fresh copy of the folder. */
  image?: 'squashfs' | 'copy'
  /** Another storage folder (e.g. a small tmpfs); default DIR/storage. */
  storage?: string
  port?: number
  host?: string
  /** layerdeck: `serve --base --mount` starts the FUSE daemon; kernel: the kernel's overlayfs mounts it (OpenWrt-style, read-only for the agent). */
  mount?: 'layerdeck' | 'kernel'
  /** Apply the technician's changes (default true). */
  changes?: boolean
  /** Create the admin (default true); false: the agent starts on its first run and prints a setup token. */
  admin?: boolean
  username?: string
  password?: string
  /** The layerdeck command (default bin/layerdeck from this checkout). */
  bin?: string
  log?: (line: string) => void
}

export interface Demo {
  url: string
  username: string
  password: string
  base: string
  storage: string
  device: string
  data: string
  /** The one-time setup token while no admin exists (admin: false), else undefined. */
  setupToken(): string | undefined
  agentPid(): number | undefined
  /** kill -9 of the agent (the mount keeps being served). */
  killAgent(): Promise<void>
  /** Starts the agent again (it attaches to the running mount). */
  startAgent(): Promise<void>
  stop(): Promise<void>
}

export async function startDemo(o: DemoOptions = {}): Promise<Demo> {
  const dir = o.dir ?? '/var/tmp/layerdeck-demo'
  const log = o.log ?? ((line: string) => process.stdout.write(`demo: ${line}\n`))
  const bin = o.bin ?? `${REPO_ROOT}/bin/layerdeck`
  const rom = `${dir}/rom`
  const device = `${dir}/device`
  const storage = o.storage ?? `${dir}/storage`
  cleanupMounts([device, rom])
  mkdirSync(device, { recursive: true })
  if (o.storage === undefined) rmSync(storage, { recursive: true, force: true })
  mkdirSync(storage, { recursive: true })
  const base = packImage({ rootfs: o.rootfs ?? `${REPO_ROOT}/examples/rootfs`, dir, rom, squashfs: (o.image ?? 'squashfs') === 'squashfs', log })
  const username = o.username ?? 'admin'
  const password = o.password ?? randomBytes(12).toString('base64url')
  if (o.admin !== false) run(bin, ['user', 'add', username, '--storage', storage, '--role', 'admin'], `${password}\n`)
  const port = o.port ?? 8080
  const kernel = o.mount === 'kernel'
  if (kernel) kernelMount(base, storage, device)
  const mountArgs = kernel ? [] : ['--base', base, '--mount', device]
  const serveArgs = ['serve', '--storage', storage, ...mountArgs, '--port', String(port), ...(o.host === undefined ? [] : ['--host', o.host])]
  let agent: ChildProcess | undefined
  const startAgent = async (): Promise<void> => {
    agent = await spawnAgent(bin, serveArgs, log)
  }
  await startAgent()
  if (o.changes !== false) {
    technicianChanges(device)
    log('applied a technician\'s changes through the mount: network address, a new dnsmasq file, /etc/motd deleted, commissioning.conf made 0600')
  }
  const host = o.host === undefined || o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host
  return {
    url: `http://${host}:${port}/`,
    username,
    password,
    base,
    storage,
    device,
    data: `${storage}/layerdeck`,
    setupToken: () => (existsSync(`${storage}/layerdeck/setup-token`) ? readFileSync(`${storage}/layerdeck/setup-token`, 'utf8').trim() : undefined),
    agentPid: () => agent?.pid,
    killAgent: async () => {
      if (agent === undefined || agent.exitCode !== null) return
      const exited = new Promise((r) => agent?.once('exit', r))
      agent.kill('SIGKILL')
      await exited
    },
    startAgent,
    stop: async () => {
      await stopAgent(agent)
      stopDaemon(storage)
      cleanupMounts([device, rom])
    },
  }
}

/** Starts `layerdeck serve` and resolves when it says it serves. */
function spawnAgent(bin: string, args: string[], log: (line: string) => void): Promise<ChildProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the agent did not start in 90 s:\n${out}`)), 90_000)
    const onData = (d: Buffer): void => {
      out += d.toString()
      for (const line of d.toString().split('\n')) if (/^layerdeck: /.test(line)) log(line.replace(/^layerdeck: /, 'agent: '))
      if (/layerdeck: serving /.test(out)) {
        clearTimeout(timer)
        resolve(child)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the agent exited with ${code}:\n${out}`))
    })
  })
}

async function stopAgent(agent: ChildProcess | undefined): Promise<void> {
  if (agent === undefined || agent.exitCode !== null || agent.signalCode !== null) return
  const exited = new Promise((r) => agent.once('exit', r))
  agent.kill('SIGTERM')
  const timer = setTimeout(() => agent.kill('SIGKILL'), 20_000)
  await exited
  clearTimeout(timer)
}

/** A daemon the agent attached to (after a restart) is not the agent's to stop: the demo stops it. */
function stopDaemon(storage: string): void {
  const record = `${storage}/work/layerdeck/mount.json`
  if (!existsSync(record)) return
  try {
    const { pid, mountpoint } = JSON.parse(readFileSync(record, 'utf8')) as { pid: number; mountpoint: string }
    if (!isMounted(mountpoint)) return
    process.kill(pid, 'SIGTERM')
    for (let i = 0; i < 100 && isMounted(mountpoint); i++) execFileSync('sleep', ['0.1'])
  } catch {
    // gone already
  }
}

/** The storage mounted by the kernel's overlayfs, as OpenWrt mounts /overlay. */
function kernelMount(base: string, storage: string, device: string): void {
  mkdirSync(`${storage}/upper`, { recursive: true })
  mkdirSync(`${storage}/work`, { recursive: true })
  run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${base},upperdir=${storage}/upper,workdir=${storage}/work`, device])
}

/** What a technician does on a visit: edits the network config, adds a file, deletes one, tightens a mode. */
export function technicianChanges(device: string): void {
  run('sh', ['-c', `set -e
    sed -i 's/address 192.168.10.20/address 192.168.10.25/' '${device}/etc/network/interfaces'
    printf '# field VLAN: a spare address for the new meter\\ndhcp-host=02:00:00:00:01:31,10.100.0.31\\n' > '${device}/etc/dnsmasq.d/meter-31.conf'
    rm '${device}/etc/motd'
    chmod 600 '${device}/etc/pgw/commissioning.conf'`])
}
