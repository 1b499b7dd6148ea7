/**
 * Journey 1, first start: nobody is let in until the one-time setup token creates the admin;
 * sign in, sign out; a wrong password says so; after at most 10 failures the throttle refuses
 * even the right password and says when to try again.
 */
import type { Page } from '@playwright/test'
import { expect, test, type Ctx } from '../fixtures/fixtures.ts'

test.use({ deviceOptions: { firstRun: true } })

const PASSWORD = 'plant-room-2026'

/** On disk: the token is used up, the password kept only as an argon2id hash, outside the overlay. */
async function adminOnDisk({ device }: Ctx): Promise<void> {
  expect((await device.sh(`test -e ${device.data}/setup-token`)).code).toBe(1)
  const accounts = await device.shOk(`cat ${device.data}/accounts.json`)
  expect(accounts).toMatch(/"name": "admin"/)
  expect(accounts).toMatch(/\$argon2id\$/)
  expect(accounts).not.toContain(PASSWORD)
  expect(await device.shOk(`ls -A ${device.mount}`)).not.toMatch(/^layerdeck$/m)
  const upper = await device.snapshot('upper', '')
  expect(upper).not.toContainEqual(expect.stringMatching(/layerdeck|accounts/))
}

/**
 * Wrong passwords until the agent answers 429: at most 10 failures (401) in the window, then
 * every attempt is refused, the right password included, and the form says when to try again.
 */
async function throttled({ app, device }: Ctx, page: Page): Promise<void> {
  const signIn = app.signInPage
  const answers = [401] // the wrong password of the step before
  while (answers.length < 11 && !answers.includes(429))
    answers.push(await signIn.signIn('admin', `wrong-${answers.length}`))
  const first429 = answers.indexOf(429)
  expect(first429, `answers: ${answers.join(' ')}`).toBeGreaterThan(0)
  expect(first429, 'at most 10 failures before the throttle').toBeLessThanOrEqual(10)
  expect(answers.slice(0, first429).every((s) => s === 401)).toBe(true)
  const paused = page.getByRole('alert').filter({ hasText: 'Signing in is paused' })
  await expect(paused).toContainText(
    /Too many failed sign-ins\. Try again at .+ \(in \d+ (min|s)\)/,
  )
  // The form sends nothing until then, the right password included; the agent refuses it too.
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await expect(signIn.submit).toBeDisabled()
  const api = await app.api('POST', '/api/session', { username: 'admin', password: PASSWORD })
  expect(api.status()).toBe(429)
  expect(Number(api.headers()['retry-after'])).toBeGreaterThan(0)
  expect(await api.json()).toMatchObject({ problem: 'rate-limited' })
  // Every failed sign-in is in the audit log.
  const audit = await device.shOk(`cat ${device.data}/audit.log`)
  const failed = audit.split('\n').filter((l) => l.includes('"not-signed-in"'))
  expect(failed.length).toBeGreaterThanOrEqual(first429)
}

test('first start: setup token, set a password, sign in and out, a wrong password, the throttle', async ({
  app,
  device,
  journey,
  page,
}) => {
  const signIn = app.signInPage

  await journey.step('setup form', async () => {
    await page.goto('/')
    await expect(page).toHaveURL(/\/signin\?next=%2F$/)
    await expect(signIn.setupHeading).toBeVisible()
    expect(await device.shOk(`stat -c %a ${device.data}/setup-token`)).toBe('600\n')
    expect(await (await app.api('GET', '/api/setup')).json()).toEqual({ needed: true })
  })
  await journey.step('wrong setup token', async () => {
    await signIn.setup('not-the-token-at-all', 'admin', PASSWORD)
    await expect(signIn.alert).toContainText('Setup did not work')
    await expect(signIn.alert).toContainText('the setup token is wrong')
    expect((await app.api('GET', '/api/session')).status()).toBe(401)
  })
  await journey.step('admin created', async () => {
    await signIn.setup(device.setupToken(), 'admin', PASSWORD)
    await expect(app.overview.deviceHeading).toHaveText(device.hostname)
    await expect(app.shell.who).toHaveText('admin (admin)')
    await adminOnDisk({ app, device, journey })
  })
  await journey.step('signed out', async () => {
    await app.shell.signOut()
    await expect(signIn.signInHeading).toBeVisible()
    expect((await app.api('GET', '/api/session')).status()).toBe(401)
  })
  await journey.step('signed in again', async () => {
    expect(await signIn.signIn('admin', PASSWORD)).toBe(200)
    await expect(app.overview.deviceHeading).toHaveText(device.hostname)
    await app.shell.signOut()
    await expect(signIn.signInHeading).toBeVisible()
  })
  await journey.step('wrong password', async () => {
    expect(await signIn.signIn('admin', 'not-the-password')).toBe(401)
    await expect(signIn.alert).toContainText('Wrong name or password')
    await expect(signIn.submit).toBeEnabled()
  })
  await journey.step('throttled', () => throttled({ app, device, journey }, page))

  await device.assertBaseUnchanged()
})
