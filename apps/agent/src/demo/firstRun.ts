/**
 * The demo device as it first boots: no admin account yet, so the agent prints a one-time setup
 * token (and keeps it in DATA/setup-token) and the dashboard opens on "Set up this device". For
 * the e2e first-start journey. Built on startDemo and nothing else: until startDemo can skip its
 * `user add` (asked of the demo's owner in /work/coord/requests.md: `admin: false`), the admin it
 * made is removed with `layerdeck user remove` and the agent restarted (kill -9, then
 * startAgent: it attaches to the running mount and, finding no admin, makes the token).
 */
import { readFileSync } from 'node:fs'
import { run } from './image.ts'
import { REPO_ROOT, startDemo, type Demo, type DemoOptions } from './demo.ts'

export interface FirstRunDemo extends Demo {
  /** The one-time setup token the agent printed (read from DATA/setup-token, root-only). */
  setupToken(): string
}

export async function startFirstRunDemo(o: DemoOptions = {}): Promise<FirstRunDemo> {
  const demo = await startDemo(o)
  try {
    await demo.killAgent()
    run(o.bin ?? `${REPO_ROOT}/bin/layerdeck`, [
      'user',
      'remove',
      demo.username,
      '--storage',
      demo.storage,
    ])
    await demo.startAgent()
  } catch (err) {
    await demo.stop()
    throw err
  }
  return { ...demo, setupToken: () => readFileSync(`${demo.data}/setup-token`, 'utf8').trim() }
}
