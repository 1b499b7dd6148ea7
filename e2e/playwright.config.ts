/**
 * The journeys in Debian's Chromium (never a downloaded browser). Each test starts its own
 * device, so tests run in parallel across workers (E2E_WORKERS, default 3: a journey spends
 * much of its time waiting on its agent, its mount and the browser, so three keep this 2-core
 * machine busy; measured 99 s against 117 s with two, under the same load). E2E_REPORT=FILE
 * adds a JSON report (scripts/test.sh counts it).
 */
import { defineConfig, type ReporterDescription } from '@playwright/test'

const report = process.env['E2E_REPORT']
const reporter: ReporterDescription[] = [['list']]
if (report !== undefined) reporter.push(['json', { outputFile: report }])

export default defineConfig({
  testDir: 'tests',
  outputDir: 'results/output',
  globalSetup: './global-setup.ts',
  workers: Number(process.env['E2E_WORKERS'] ?? 3),
  fullyParallel: true,
  retries: 0,
  forbidOnly: process.env['CI'] !== undefined,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter,
  use: {
    viewport: { width: 1366, height: 768 },
    actionTimeout: 15_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    screenshot: 'off',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-quic',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
})
