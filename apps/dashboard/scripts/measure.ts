/**
 * The dashboard's figures, in Debian's Chromium against a running agent:
 * - overview: ms from navigation start until the overview is usable (device name, counts and
 *   the storage chart drawn), cold cache, median of 5;
 * - tree: ms to the first rows of a big folder, JS heap after opening it and after scrolling
 *   through all of it, frame times while scrolling.
 * Usage: LAYERDECK_URL=... LAYERDECK_PASSWORD=... tsx scripts/measure.ts overview|tree [DIR]
 */
import type { Page } from 'playwright-core'
import { launch, signIn } from './browser.ts'

const base = process.env['LAYERDECK_URL'] ?? 'http://127.0.0.1:8080'
const user = process.env['LAYERDECK_USER'] ?? 'admin'
const password = process.env['LAYERDECK_PASSWORD'] ?? ''
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

async function heapMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
  await cdp.detach()
  return usedSize / 1e6
}

async function overview(): Promise<void> {
  const browser = await launch()
  const times: number[] = []
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
    await signIn(context, base, user, password)
    const page = await context.newPage()
    await page.goto(`${base}/`, { waitUntil: 'commit' })
    const usable = await page.waitForFunction(
      () => {
        const name = document.querySelector('#device-h')?.textContent
        const counts = [...document.querySelectorAll('#counts-h ~ div strong')].every(
          (n) => n.textContent !== '–',
        )
        const chart = document.querySelector('[aria-labelledby=usage-h] [role=img]')
        return name && name !== 'Device' && counts && chart ? performance.now() : false
      },
      undefined,
      { polling: 'raf', timeout: 20_000 },
    )
    times.push((await usable.jsonValue()) as number)
    await context.close()
  }
  await browser.close()
  console.log(
    `overview usable after ${median(times).toFixed(0)} ms (median of 5, cold cache; runs ${times.map((t) => t.toFixed(0)).join(', ')})`,
  )
}

/** ms from an in-app navigation to the folder until more than 5 loaded rows are on screen. */
async function openFolder(page: Page, dir: string): Promise<number> {
  const start = await page.evaluate(() => performance.now())
  await page.evaluate((d) => {
    history.pushState(null, '', `/files?dir=${encodeURIComponent(d)}`)
    dispatchEvent(new PopStateEvent('popstate'))
  }, dir)
  const firstRows = await page.waitForFunction(
    () =>
      document.querySelectorAll('[role=treeitem]:not([aria-busy])').length > 5
        ? performance.now()
        : false,
    undefined,
    { polling: 'raf', timeout: 30_000 },
  )
  return ((await firstRows.jsonValue()) as number) - start
}

/** Wheels through the whole list (1,200 px steps) and returns its height, the time and frame times. */
async function scrollThrough(
  page: Page,
): Promise<{ height: number; ms: number; frames: number[] }> {
  const scroller = page.locator('[role=tree]')
  await scroller.hover()
  // A string, not a function: tsx would wrap a named inner function in a helper the page lacks.
  await page.evaluate(`(() => {
    window.frames_ = []
    let last = performance.now()
    const tick = (t) => { window.frames_.push(t - last); last = t; requestAnimationFrame(tick) }
    requestAnimationFrame(tick)
  })()`)
  const height = await scroller.evaluate((el) => el.scrollHeight)
  const t0 = Date.now()
  for (let y = 0; y < height; y += 1200 * 20) {
    for (let i = 0; i < 20; i++) await page.mouse.wheel(0, 1200)
    await page.waitForTimeout(16)
  }
  const ms = Date.now() - t0
  await page.waitForFunction(
    () => document.querySelectorAll('[role=treeitem][aria-busy]').length === 0,
    undefined,
    { timeout: 30_000 },
  )
  const frames = await page.evaluate(() =>
    (window as unknown as { frames_: number[] }).frames_.slice(1),
  )
  return { height, ms, frames }
}

async function tree(dir: string): Promise<void> {
  const browser = await launch()
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
  await signIn(context, base, user, password)
  const page = await context.newPage()
  await page.goto(`${base}/`)
  await page.locator('#device-h').waitFor()
  const before = await heapMB(page)
  const ttfr = await openFolder(page, dir)
  const total = await page.locator('[role=treeitem]').first().getAttribute('aria-setsize')
  const opened = await heapMB(page)
  const { height, ms, frames } = await scrollThrough(page)
  const sorted = [...frames].sort((a, b) => a - b)
  const after = await heapMB(page)
  const rows = await page.locator('[role=treeitem]').count()
  await browser.close()
  console.log(`tree ${dir}: ${total} entries; first rows after ${ttfr.toFixed(0)} ms`)
  console.log(
    `  JS heap: ${before.toFixed(1)} MB on the overview, ${opened.toFixed(1)} MB with the folder open, ${after.toFixed(1)} MB after scrolling through all of it (${rows} rows in the DOM)`,
  )
  console.log(
    `  scrolling ${height} px took ${ms} ms; frames p50 ${median(frames).toFixed(1)} ms, p95 ${(sorted[Math.floor(sorted.length * 0.95)] ?? NaN).toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms over ${frames.length} frames`,
  )
}

const what = process.argv[2]
if (what === 'overview') await overview()
else if (what === 'tree') await tree(process.argv[3] ?? '/')
else throw new Error('usage: measure.ts overview | tree DIR')
