/** Debian's Chromium through playwright-core, for the screenshot and measurement scripts. */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
]

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  })
}

/** Signs the context in through the API (same origin, JSON body), as the dashboard does. */
export async function signIn(
  context: BrowserContext,
  base: string,
  username: string,
  password: string,
): Promise<void> {
  const res = await context.request.post(`${base}/api/session`, {
    data: { username, password },
    headers: { origin: base, 'sec-fetch-site': 'same-origin' },
  })
  if (!res.ok())
    throw new Error(`sign-in as ${username} failed: ${res.status()} ${await res.text()}`)
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: number
}

/** axe-core's serious and critical violations on the page as it stands. */
export async function axeCheck(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: axeSource })
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: () => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[]
          }>
        }
      }
    ).axe
    const result = await axe.run()
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }))
  })
}
