/**
 * Journey 1, first start: nobody is let in until the one-time setup token creates the admin;
 * sign in, sign out; a wrong password says so; after at most 10 failures the throttle refuses
 * even the right password and says when to try again.
 */
import { expect, test } from '../fixtures/fixtures.ts'

test.use({ deviceOptions: { firstRun: true } })

const PASSWORD = 'plant-room-2026'

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
    expect(await (await app.api('GET', '/api/session')).json()).toMatchObject({
      problem: 'not-signed-in',
    })
  })

  await journey.step('admin created', async () => {
    await signIn.setup(device.setupToken(), 'admin', PASSWORD)
    await expect(app.overview.deviceHeading).toHaveText(device.hostname)
    await expect(app.shell.who).toHaveText('admin (admin)')
    // On disk: the token is used up, the password is kept only as an argon2id hash, outside the overlay.
    expect((await device.sh(`test -e ${device.data}/setup-token`)).code).toBe(1)
    const accounts = await device.shOk(`cat ${device.data}/accounts.json`)
    expect(accounts).toMatch(/"name": "admin"/)
    expect(accounts).toMatch(/\$argon2id\$/)
    expect(accounts).not.toContain(PASSWORD)
    expect(await device.shOk(`ls -A ${device.mount}`)).not.toMatch(/^layerdeck$/m)
    expect(await device.snapshot('upper', '')).not.toContainEqual(
      expect.stringMatching(/layerdeck|accounts/),
    )
  })

  await journey.step('signed out', async () => {
    await app.shell.signOut()
    // Bug (reported to the dashboard engineer): the page still shows "Set up this device" after
    // the admin was created (the setup state query keeps needed: true). Asserted softly so the
    // rest of the journey runs; a reload shows the sign-in form.
    await expect
      .soft(
        signIn.signInHeading,
        'after setup and sign-out the page offers sign-in, not setup again',
      )
      .toBeVisible({ timeout: 5000 })
    if (!(await signIn.signInHeading.isVisible())) await page.reload()
    await expect(signIn.signInHeading).toBeVisible()
    expect((await app.api('GET', '/api/session')).status()).toBe(401)
  })

  await journey.step('signed in again', async () => {
    await signIn.signIn('admin', PASSWORD)
    await expect(app.overview.deviceHeading).toHaveText(device.hostname)
    await app.shell.signOut()
    await expect(signIn.signInHeading).toBeVisible()
  })

  await journey.step('wrong password', async () => {
    await signIn.signIn('admin', 'not-the-password')
    await expect(signIn.alert).toContainText('Wrong name or password')
    await expect(signIn.submit).toBeEnabled()
  })

  let failures = 1
  await journey.step('throttled', async () => {
    // Wrong again until the agent stops answering 401: at most 10 failures in the window.
    const paused = page.getByRole('alert').filter({ hasText: 'Signing in is paused' })
    while (failures < 10) {
      await signIn.signIn('admin', `wrong-${failures}`)
      failures += 1
      await expect(signIn.alert).toContainText(/Wrong name or password|Signing in is paused/)
      if (await paused.isVisible()) break
    }
    expect(failures).toBeLessThanOrEqual(10)
    // The right password is refused too, with the time to try again.
    if (!(await paused.isVisible())) await signIn.signIn('admin', PASSWORD)
    await expect(paused).toContainText(
      /Too many failed sign-ins\. Try again at .+ \(in \d+ (min|s)\)/,
    )
    await expect(signIn.submit).toBeDisabled()
    const api = await app.api('POST', '/api/session', { username: 'admin', password: PASSWORD })
    expect(api.status()).toBe(429)
    expect(Number(api.headers()['retry-after'])).toBeGreaterThan(0)
    expect(await api.json()).toMatchObject({ problem: 'rate-limited' })
    // Every failed sign-in is in the audit log.
    const audit = await device.shOk(`cat ${device.data}/audit.log`)
    expect(
      audit.split('\n').filter((l) => l.includes('"not-signed-in"')).length,
    ).toBeGreaterThanOrEqual(failures)
  })

  await device.assertBaseUnchanged()
})
