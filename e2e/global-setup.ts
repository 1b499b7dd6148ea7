/**
 * Once per run: Debian's Chromium must be there (scripts/setup.sh installs it; never
 * `playwright install`); every device of the run lives under one temp folder (E2E_ROOT) that
 * the returned teardown sweeps, so no mount and no process is left behind even when a worker
 * dies; the dashboard is built from the current source into that folder (apps/dashboard/dist
 * is left alone) and every agent serves it (LAYERDECK_DASHBOARD_DIR).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT } from '@layerdeck/testkit'
import { RESULTS } from './fixtures/Journey.ts'
import { sweep } from './fixtures/system.ts'

function buildDashboard(out: string): void {
  const started = Date.now()
  const dashboard = `${REPO_ROOT}/apps/dashboard`
  execFileSync(
    'pnpm',
    [
      '--dir',
      dashboard,
      'exec',
      'vite',
      'build',
      '--outDir',
      out,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { stdio: 'inherit' },
  )
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/compress.ts', out], {
    cwd: dashboard,
    stdio: 'ignore',
  })
  process.stdout.write(
    `e2e: dashboard built into ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  )
}

export default function globalSetup(): () => Promise<void> {
  const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
  if (!existsSync(chromium))
    throw new Error(
      `Debian's Chromium is missing at ${chromium}: run scripts/setup.sh (it installs the chromium package), or set CHROMIUM_PATH. Never run 'playwright install'.`,
    )
  rmSync(join(RESULTS, 'screens'), { recursive: true, force: true })
  const root = mkdtempSync('/tmp/layerdeck-e2e-')
  process.env['E2E_ROOT'] = root
  if (process.env['LAYERDECK_DASHBOARD_DIR'] === undefined) {
    const out = join(root, 'dashboard')
    buildDashboard(out)
    process.env['LAYERDECK_DASHBOARD_DIR'] = out
  }
  return async () => {
    const left = await sweep(root)
    if (left.length > 0) process.stdout.write(`e2e: swept what the run left: ${left.join(', ')}\n`)
    rmSync(root, { recursive: true, force: true })
  }
}
