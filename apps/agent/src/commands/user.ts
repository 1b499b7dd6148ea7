/** `layerdeck user add|passwd|remove|list|token`: the agent's accounts, from the shell. */
import type { Command } from 'commander'
import { usernameSchema, passwordSchema } from '@layerdeck/api'
import type { Accounts } from '../server/data/accounts.ts'
import { defaultDataDir, ensureDataDir, type DataFiles } from '../server/data/dataDir.ts'
import { loadSecret } from '../server/data/secret.ts'
import { SetupToken } from '../server/modules/auth/setupToken.ts'
import { readPassword } from './userPassword.ts'

interface UserFlags {
  storage: string
  data?: string
  role?: string
  json?: boolean
  list?: boolean
  revoke?: string
}

/** The accounts store; loaded on demand (argon2 is a native module the other commands do not need). */
async function open(flags: UserFlags): Promise<{ accounts: Accounts; files: DataFiles }> {
  const files = ensureDataDir(flags.data ?? defaultDataDir(flags.storage), flags.storage.replace(/\/+$/, ''))
  const { Accounts } = await import('../server/data/accounts.ts')
  return { accounts: new Accounts(files, loadSecret(files)), files }
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--storage <dir>', 'the storage directory (the accounts live in STORAGE/layerdeck unless --data)')
    .option('--data <dir>', "the agent's data folder (default STORAGE/layerdeck)")
}

function checkName(name: string): string {
  const r = usernameSchema.safeParse(name)
  if (!r.success) throw new Error(`${JSON.stringify(name)} is not a usable account name: ${r.error.issues[0]?.message ?? 'invalid'}`)
  return name
}

async function newPassword(): Promise<string> {
  const password = await readPassword('Password: ', 'Repeat it: ')
  const r = passwordSchema.safeParse(password)
  if (!r.success) throw new Error(`the password is not accepted: ${r.error.issues[0]?.message ?? 'invalid'}`)
  return password
}

export function registerUser(program: Command): void {
  const user = program
    .command('user')
    .description("manage the agent's accounts (admin: changes things; viewer: looks)")
    .addHelpText('after', '\nThe password is asked on a terminal, or read as one line from standard input (for scripts).\nExample: echo "$PW" | layerdeck user add ann --storage /overlay --role admin')
  common(user.command('add').argument('<name>').description('create an account').option('--role <role>', 'admin or viewer', 'viewer')).action(async (name: string, flags: UserFlags) => {
    const role = flags.role === 'admin' || flags.role === 'viewer' ? flags.role : undefined
    if (role === undefined) throw new Error(`--role must be admin or viewer, not ${flags.role}`)
    const { accounts, files } = await open(flags)
    checkName(name)
    if (accounts.find(name) !== undefined) throw new Error(`account ${name} already exists: use 'layerdeck user passwd ${name}' to change its password`)
    await accounts.add(name, role, await newPassword())
    if (role === 'admin') new SetupToken(files.setupToken).consume()
    process.stdout.write(`layerdeck: account ${name} (${role}) created\n`)
  })
  common(user.command('passwd').argument('<name>').description("change an account's password (signs it out everywhere)")).action(async (name: string, flags: UserFlags) => {
    const { accounts } = await open(flags)
    if (accounts.find(name) === undefined) throw new Error(`no account ${name} ('layerdeck user list' shows them)`)
    await accounts.setPassword(name, await newPassword())
    process.stdout.write(`layerdeck: password of ${name} changed; its sessions have ended\n`)
  })
  common(user.command('remove').argument('<name>').description('delete an account (its sessions and tokens end)')).action(async (name: string, flags: UserFlags) => {
    ;(await open(flags)).accounts.remove(name)
    process.stdout.write(`layerdeck: account ${name} removed\n`)
  })
  common(user.command('list').description('list the accounts').option('--json', 'machine-readable output')).action(async (flags: UserFlags) => {
    const list = (await open(flags)).accounts.list().map((a) => ({ name: a.name, role: a.role, created: new Date(a.createdAt).toISOString(), tokens: a.tokens.length }))
    if (flags.json === true) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`)
    else if (list.length === 0) process.stdout.write('no accounts yet: layerdeck user add NAME --storage DIR --role admin\n')
    else for (const a of list) process.stdout.write(`${a.name.padEnd(20)} ${a.role.padEnd(7)} created ${a.created}${a.tokens > 0 ? `, ${a.tokens} token(s)` : ''}\n`)
  })
  common(user.command('token').argument('<name>').description('make a bearer token for scripts (shown once), list or revoke them'))
    .option('--list', 'list the account\'s tokens (ids only)')
    .option('--revoke <id>', "revoke one token by id, or 'all'")
    .action(async (name: string, flags: UserFlags) => {
      const { accounts } = await open(flags)
      if (flags.revoke !== undefined) {
        const n = accounts.revokeTokens(name, flags.revoke)
        process.stdout.write(`layerdeck: ${n} token(s) of ${name} revoked\n`)
      } else if (flags.list === true) {
        const account = accounts.find(name)
        if (account === undefined) throw new Error(`no account ${name} ('layerdeck user list' shows them)`)
        for (const t of account.tokens) process.stdout.write(`${t.id}  created ${new Date(t.createdAt).toISOString()}\n`)
      } else {
        const { token } = accounts.addToken(name)
        process.stdout.write(`${token}\n`)
        process.stderr.write(`layerdeck: send it as "Authorization: Bearer TOKEN"; it is not shown again (revoke with --revoke ${token.split('_')[1]})\n`)
      }
    })
}
