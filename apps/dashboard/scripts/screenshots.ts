/**
 * Screenshots of every screen at 390x844 and 1366x768, light and dark, against a running agent,
 * with an axe-core check of each (serious and critical violations are printed and fail the run).
 * Usage: LAYERDECK_URL=http://127.0.0.1:8080 LAYERDECK_USER=admin LAYERDECK_PASSWORD=... \
 *        tsx scripts/screenshots.ts OUT_DIR [screen...]
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { axeCheck, launch, signIn } from './browser.ts'

interface Screen {
  name: string
  path: string
  signedIn: boolean
  /** Signed in as the viewer (LAYERDECK_VIEWER / LAYERDECK_VIEWER_PASSWORD) instead of the admin. */
  viewer?: boolean
  /** Wait for this before the picture (the screen is usable). */
  ready: string
  act?: (page: Page) => Promise<void>
}

const DIFF = process.env['LAYERDECK_DIFF'] ?? '/etc/hosts'

const SCREENS: Screen[] = [
  { name: 'signin', path: '/signin', signedIn: false, ready: 'form button[type=submit]' },
  { name: 'overview', path: '/', signedIn: true, ready: '[aria-labelledby=usage-h] [role=img]' },
  {
    name: 'files',
    path: '/files?dir=/etc',
    signedIn: true,
    ready: '[role=treeitem][aria-level]:not([aria-busy])',
  },
  { name: 'changes', path: '/files?dir=/&view=changes', signedIn: true, ready: '[role=treeitem]' },
  {
    name: 'diff',
    path: `/files?dir=/etc&file=${DIFF}`,
    signedIn: true,
    ready: 'table[aria-label^="Changes against"]',
  },
  {
    name: 'revert',
    path: `/files?dir=/etc&file=${DIFF}`,
    signedIn: true,
    ready: 'table[aria-label^="Changes against"]',
    act: async (page) => {
      await page.getByRole('button', { name: /^Revert/ }).click()
      await page
        .getByRole('dialog')
        .getByText(/entr(y|ies) change/)
        .waitFor()
    },
  },
  {
    name: 'folder',
    path: '/files?dir=/&view=changes&file=/etc',
    signedIn: true,
    ready: 'section[aria-label="Changes in this folder"]',
    act: async (page) => {
      await page.getByRole('button', { name: /^Revert folder/ }).click()
      await page
        .getByRole('dialog')
        .getByText(/entry by entry|entr(y|ies) change/)
        .waitFor()
    },
  },
  {
    name: 'reset',
    path: '/reset',
    signedIn: true,
    ready: 'fieldset',
    act: async (page) => {
      await page.getByRole('button', { name: 'Show what goes' }).click()
      await page.getByRole('heading', { name: 'What goes' }).waitFor()
    },
  },
  { name: 'backup', path: '/backup', signedIn: true, ready: 'input[type=file]' },
  { name: 'audit', path: '/audit', signedIn: true, ready: 'table, main p' },
  {
    name: 'viewer-diff',
    path: `/files?dir=/etc&file=${DIFF}`,
    signedIn: true,
    viewer: true,
    ready: 'table[aria-label^="Changes against"]',
  },
]

const VIEWPORTS = [
  { label: 'phone', width: 390, height: 844 },
  { label: 'desktop', width: 1366, height: 768 },
]

async function main(): Promise<void> {
  const base = process.env['LAYERDECK_URL'] ?? 'http://127.0.0.1:8080'
  const user = process.env['LAYERDECK_USER'] ?? 'admin'
  const password = process.env['LAYERDECK_PASSWORD'] ?? ''
  const out = process.argv[2] ?? 'screenshots'
  const only = new Set(process.argv.slice(3))
  mkdirSync(out, { recursive: true })
  const browser = await launch()
  let failures = 0
  for (const scheme of ['light', 'dark'] as const)
    for (const vp of VIEWPORTS) {
      const context = await browser.newContext({
        viewport: vp,
        colorScheme: scheme,
        deviceScaleFactor: 1,
        bypassCSP: true,
      })
      for (const screen of SCREENS) {
        if (only.size && !only.has(screen.name)) continue
        await context.clearCookies()
        if (screen.viewer)
          await signIn(
            context,
            base,
            process.env['LAYERDECK_VIEWER'] ?? 'viewer',
            process.env['LAYERDECK_VIEWER_PASSWORD'] ?? '',
          )
        else if (screen.signedIn) await signIn(context, base, user, password)
        const page = await context.newPage()
        const file = join(out, `${screen.name}-${vp.label}-${scheme}.png`)
        try {
          await page.goto(`${base}${screen.path}`)
          await page.locator(screen.ready).first().waitFor({ timeout: 15_000 })
          if (screen.act) await screen.act(page)
          await page.waitForTimeout(400)
        } catch (error) {
          failures++
          console.log(
            `${file}: NOT READY (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
          )
        }
        await page.screenshot({ path: file })
        const violations = await axeCheck(page)
        for (const v of violations) console.log(`  axe ${v.impact}: ${v.id} (${v.nodes}) ${v.help}`)
        failures += violations.length
        console.log(`${file}${violations.length ? `: ${violations.length} serious/critical` : ''}`)
        await page.close()
      }
      await context.close()
    }
  await browser.close()
  if (failures > 0) process.exitCode = 1
}

await main()
