/**
 * Journey 6: a backup downloaded from the dashboard; the storage changed; the backup restored
 * with replace: the storage equals the backup again, whiteouts included; the restore undone.
 */
import { expect, test, type Ctx } from '../fixtures/fixtures.ts'

/** The dashboard's download: a gzip tar that keeps the deletion of /etc/motd as an OCI whiteout. */
async function download({ app, device }: Ctx, archive: string): Promise<void> {
  const file = await app.backup.download()
  expect(file.suggestedFilename()).toMatch(/^layerdeck-.+\.tar\.gz$/)
  await file.saveAs(archive)
  expect(await device.shOk(`head -c 2 ${archive} | od -An -tx1`)).toMatch(/1f 8b/)
  const list = await device.shOk(`tar -tzf ${archive}`)
  expect(list).toMatch(/(^|\/)etc\/\.wh\.motd$/m)
  expect(list).toMatch(/(^|\/)etc\/network\/interfaces$/m)
}

/** The dry run with replace: what is added, replaced and removed. */
async function plan({ app }: Ctx): Promise<void> {
  await expect(app.backup.plan).toBeVisible()
  await expect(app.backup.planSection('Added')).toContainText('/etc/dnsmasq.d/meter-31.conf')
  await expect(app.backup.planSection('Replaced')).toContainText('/etc/motd')
  await expect(app.backup.planSection('Removed')).toContainText('/etc/hosts')
  await expect(app.backup.planSection('Removed')).toContainText('/etc/issue')
}

test('backup downloaded, storage changed, restored with replace, restore undone', async ({
  app,
  device,
  journey,
}) => {
  const archive = `${device.dir}/backup.tar.gz`
  let backedUp: string[] = []
  let changed: string[] = []
  await journey.step('backup page', async () => {
    await app.signIn()
    await app.shell.go('Backup')
    await expect(app.backup.heading).toBeVisible()
    backedUp = await device.snapshot('upper')
    expect(backedUp).toContainEqual(expect.stringMatching(/^\.\/etc\/motd c /))
  })
  await journey.step('backup downloaded', () => download({ app, device, journey }, archive))
  await journey.step('storage changed', async () => {
    await device.shOk(`set -e; m=${device.mount}
      echo '10.0.0.5 historian' >> $m/etc/hosts
      rm $m/etc/issue
      echo 'Welcome, technician' > $m/etc/motd
      rm $m/etc/dnsmasq.d/meter-31.conf`)
    changed = await device.snapshot('upper')
    expect(changed).not.toEqual(backedUp)
    expect(await device.isWhiteout('/etc/issue')).toBe(true)
  })
  await journey.step('restore plan', async () => {
    await app.backup.choose(archive, 'Replace')
    await app.backup.check()
    await plan({ app, device, journey })
    // A dry run changes nothing.
    expect(await device.snapshot('upper')).toEqual(changed)
    return app.backup.applyButton
  })
  await journey.step('restored with replace', async () => {
    await app.backup.apply()
    await expect(app.backup.restored).toBeVisible()
    expect(await device.snapshot('upper')).toEqual(backedUp)
    expect(await device.isWhiteout('/etc/motd')).toBe(true)
    expect(await device.stat('mount', '/etc/motd')).toBeNull()
    expect(await device.read('/etc/hosts')).toBe(await device.readBase('/etc/hosts'))
    expect(await device.read('/etc/issue')).toBe(await device.readBase('/etc/issue'))
    return app.backup.restored
  })
  await journey.step('restore undone', async () => {
    await journey.press(app.backup.undoCard.getByRole('button', { name: 'Undo restore' }))
    await expect(
      app.backup.undoCard.getByRole('status').filter({ hasText: /^Undone/ }),
    ).toBeVisible()
    expect(await device.snapshot('upper')).toEqual(changed)
    expect(await device.read('/etc/motd')).toBe('Welcome, technician\n')
    return app.backup.undoCard
  })

  await device.assertBaseUnchanged()
})
