/** `layerdeck user ...` from the shell: accounts on a storage that was never mounted, passwords from stdin or a terminal. */
import { readFileSync, statSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { LAYERDECK_BIN, sh, shellQuote, startMount, tempDir } from '@layerdeck/testkit'
import { Accounts, verifyPassword } from '../server/data/accounts.ts'
import { dataFiles } from '../server/data/dataDir.ts'
import { loadSecret } from '../server/data/secret.ts'

const temps: Array<{ cleanup(): void }> = []
afterEach(() => {
  for (const t of temps.splice(0)) t.cleanup()
})

const user = (args: string, stdin = ''): ReturnType<typeof sh> =>
  sh(`printf %s ${shellQuote(stdin)} | ${LAYERDECK_BIN} user ${args}`)

function accountsOf(storage: string): Accounts {
  const files = dataFiles(`${storage}/layerdeck`)
  return new Accounts(files, loadSecret(files))
}

describe('layerdeck user', () => {
  it('adds, lists, changes and removes accounts on a storage that was never mounted', async () => {
    const tmp = tempDir()
    temps.push(tmp)
    const storage = `${tmp.path}/storage`
    const add = await user(`add ann --storage ${storage} --role admin`, 'first-password\n')
    expect([add.code, add.stdout]).toEqual([0, 'layerdeck: account ann (admin) created\n'])
    expect(statSync(`${storage}/layerdeck`).mode & 0o777).toBe(0o700)
    for (const name of ['accounts.json', 'secret']) expect(statSync(`${storage}/layerdeck/${name}`).mode & 0o777).toBe(0o600)
    expect(readFileSync(`${storage}/layerdeck/accounts.json`, 'utf8')).toMatch(/"hash": "\$argon2id\$/)
    expect((await user(`add vic --storage ${storage}`, 'viewer-password\n')).code).toBe(0)
    const list = await user(`list --storage ${storage} --json`)
    expect((JSON.parse(list.stdout) as Array<{ name: string; role: string }>).map((a) => [a.name, a.role])).toEqual([['ann', 'admin'], ['vic', 'viewer']])
    expect((await user(`passwd ann --storage ${storage}`, 'second-password\n')).code).toBe(0)
    const ann = accountsOf(storage).find('ann')!
    expect(await verifyPassword(ann.hash, 'second-password')).toBe(true)
    expect(await verifyPassword(ann.hash, 'first-password')).toBe(false)
    expect((await user(`remove vic --storage ${storage}`)).code).toBe(0)
    expect(accountsOf(storage).find('vic')).toBeUndefined()
    // The storage still mounts: user add made upper/ and work/ beside the data folder.
    const mnt = `${tmp.path}/mnt`
    await sh(`mkdir -p ${tmp.path}/base ${mnt}`)
    const mount = await startMount({ base: `${tmp.path}/base`, storage, mountpoint: mnt })
    expect((await sh(`ls -A ${mnt}`)).stdout).toBe('') // the data folder is not in the merged tree
    await mount.stop()
  })

  it('refuses bad input with one line and changes nothing', async () => {
    const tmp = tempDir()
    temps.push(tmp)
    const s = `${tmp.path}/st`
    expect((await user(`add ann --storage ${s}`, 'short\n')).stderr).toMatch(/at least 8 characters/)
    expect((await user(`add 1ann --storage ${s}`, 'long-password\n')).code).toBe(1)
    expect((await user(`add ann --storage ${s} --role root`, 'long-password\n')).stderr).toMatch(/--role must be admin or viewer/)
    expect((await user(`add ann --storage ${s}`, '')).stderr).toMatch(/no password on standard input/)
    expect((await user(`add ann --storage ${s}`, 'long-password\n')).code).toBe(0)
    expect((await user(`add ann --storage ${s}`, 'long-password\n')).stderr).toMatch(/already exists/)
    expect((await user(`passwd bob --storage ${s}`, 'long-password\n')).stderr).toMatch(/no account bob/)
    expect((await user(`list --storage ${s}`)).stdout).toMatch(/^ann\s+viewer/)
  })

  it('asks for the password on a terminal, twice, without echo', async () => {
    const tmp = tempDir()
    temps.push(tmp)
    const s = `${tmp.path}/st`
    const ok = await onTerminal(`${LAYERDECK_BIN} user add tty --storage ${s} --role admin`, ['typed-password', 'typed-password'])
    expect(ok).toContain('Password: ')
    expect(ok).not.toContain('typed-password')
    expect(ok).toContain('account tty (admin) created')
    expect(await verifyPassword(accountsOf(s).find('tty')!.hash, 'typed-password')).toBe(true)
    const differ = await onTerminal(`${LAYERDECK_BIN} user passwd tty --storage ${s}`, ['typed-password', 'other-password'])
    expect(differ).toMatch(/the two passwords differ/)
  })

  it('makes bearer tokens, lists and revokes them', async () => {
    const tmp = tempDir()
    temps.push(tmp)
    const s = `${tmp.path}/st`
    await user(`add bot --storage ${s} --role admin`, 'bot-password-1\n')
    const made = await user(`token bot --storage ${s}`)
    const token = made.stdout.trim()
    expect(token).toMatch(/^ld_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/)
    expect(accountsOf(s).byToken(token)?.name).toBe('bot')
    const id = token.split('_')[1] as string
    expect((await user(`token bot --storage ${s} --list`)).stdout).toContain(id)
    expect((await user(`token bot --storage ${s} --revoke ${id}`)).stdout).toMatch(/1 token\(s\) of bot revoked/)
    expect(accountsOf(s).byToken(token)).toBeUndefined()
    expect((await user(`token bot --storage ${s} --revoke ${id}`)).code).toBe(1)
  })
})

/** Runs a command on a pseudo-terminal (python's pty), typing each answer after each prompt; returns what the terminal showed. */
async function onTerminal(cmd: string, answers: string[]): Promise<string> {
  const script = `
import os, pty, sys, time
answers = ${JSON.stringify(answers)}
pid, fd = pty.fork()
if pid == 0:
    os.execvp('bash', ['bash', '-c', ${JSON.stringify(cmd)}])
out = b''
deadline = time.time() + 30
while time.time() < deadline:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if answers and out.rstrip().endswith(b':'):
        time.sleep(0.3)
        os.write(fd, (answers.pop(0) + '\\r').encode())
os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf-8', 'replace'))
`
  return (await sh(`python3 -c ${shellQuote(script)}`)).stdout
}
