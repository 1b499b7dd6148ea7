/**
 * Journey 5: factory reset with a keep list. The dry-run list is exactly what goes; after the
 * reset the mount equals the base except the kept paths; undo brings every change back; purge
 * frees the undo state.
 */
import { expect, test } from '../fixtures/fixtures.ts'

type ChangeLine = string
const KEPT = ['/etc/hosts', '/etc/network', '/root/.ssh']
const kept = (line: string): boolean =>
  KEPT.some((k) => line.startsWith(`./${k.slice(1)} `) || line.startsWith(`./${k.slice(1)}/`))

test('factory reset keeping network, SSH keys and hosts; undo; purge', async ({
  app,
  device,
  journey,
}) => {
  const changes = (): Promise<ChangeLine[]> => app.changes()
  let before: ChangeLine[] = []
  let beforeMount: string[] = []
  let dryRun: ChangeLine[] = []

  await journey.step('keep list', async () => {
    await device.shOk(`set -e; m=${device.mount}
      echo '10.0.0.5 historian' >> $m/etc/hosts
      mkdir -p -m 700 $m/root/.ssh && echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE2e technician@laptop' > $m/root/.ssh/authorized_keys
      mkdir -p $m/opt/plant-monitor/data/log && seq 1 2000 > $m/opt/plant-monitor/data/log/today.log`)
    await app.signIn()
    before = await changes()
    beforeMount = await device.snapshot('mount')
    await app.shell.go('Reset')
    await expect(app.reset.heading).toBeVisible()
    await expect(app.reset.keep('/etc/network')).toBeChecked()
    await expect(app.reset.keep('/root/.ssh')).not.toBeChecked()
    await journey.press(app.reset.keep('/root/.ssh'))
    await app.reset.addKeep('/etc/hosts')
  })

  await journey.step('what goes', async () => {
    await app.reset.showWhatGoes()
    dryRun = (await app.reset.goes()).sort()
    expect(dryRun).toEqual(
      before.filter(
        (c) => !KEPT.some((k) => c.split(' ')[1] === k || c.split(' ')[1]?.startsWith(`${k}/`)),
      ),
    )
    expect(dryRun.length).toBeGreaterThan(3)
    await expect(app.reset.resetButton).toBeDisabled()
  })

  await journey.step('reset done', async () => {
    await app.reset.confirmAndReset(device.hostname)
    await expect(app.reset.done).toBeVisible()
    await expect(app.reset.done).toContainText(`${dryRun.length} changes removed`)
    // What went is exactly the dry run's list; the mount is the factory image but for the kept paths.
    const after = await changes()
    expect(before.filter((c) => !after.includes(c))).toEqual(dryRun)
    const mount = await device.snapshot('mount')
    expect(mount.filter((l) => !kept(l))).toEqual(
      (await device.snapshot('base')).filter((l) => !kept(l)),
    )
    expect(mount.filter(kept)).toEqual(beforeMount.filter(kept))
    expect(await device.read('/etc/hosts')).toContain('10.0.0.5 historian')
  })

  await journey.step('undone', async () => {
    await app.reset.undo()
    expect(await changes()).toEqual(before)
    expect(await device.snapshot('mount')).toEqual(beforeMount)
  })

  await journey.step('purged', async () => {
    expect(await device.shOk(`ls ${device.storage}/work/layerdeck`)).toMatch(/^reset-undo-/m)
    await app.reset.purge()
    expect(await device.shOk(`ls ${device.storage}/work/layerdeck`)).not.toMatch(/^reset-undo-/m)
    await expect(
      app.reset.undoCard.getByRole('button', { name: /^(Undo reset|Redo the reset)$/ }),
    ).toBeDisabled()
    expect(await device.snapshot('mount')).toEqual(beforeMount)
  })

  await device.assertBaseUnchanged()
})
