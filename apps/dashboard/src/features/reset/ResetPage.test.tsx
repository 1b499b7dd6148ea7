import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Change, ResetRequest, ResetResult, Usage } from '@layerdeck/api'
import { admin, renderScreen, stubApi, type Call } from '../../testing/render.tsx'
import { ResetPage } from './ResetPage.tsx'

afterEach(() => vi.unstubAllGlobals())

const change = (path: string, state: Change['state']): Change => ({
  path,
  state,
  type: 'file',
  size: 10,
  fields: [],
})
const changes = [
  change('/etc/hosts', 'modified'),
  change('/etc/network/interfaces', 'modified'),
  change('/etc/passwd', 'modified'),
  change('/opt/app/log', 'added'),
  change('/etc/motd', 'deleted'),
]

function usage(undoHeld: number): Usage {
  return {
    filesystem: { size: 1e9, used: 1e8, available: 9e8, usedPercent: 10 },
    held: 5000,
    byFolder: [],
    largest: [],
    changes: { modified: 3, added: 1, deleted: 1, metadata: 0, opaque: 0, unchanged: 0 },
    resetFrees: 5000,
    undoHeld,
    thresholds: { warnPercent: 80, criticalPercent: 95 },
    level: 'ok',
    warnings: [],
  }
}

function resetAnswer(call: Call): ResetResult {
  const body = call.body as ResetRequest
  const keep = body.keep ?? []
  const goes = changes.filter((c) => !keep.some((k) => c.path === k || c.path.startsWith(`${k}/`)))
  return {
    dryRun: body.dryRun ?? false,
    applied: !body.dryRun,
    atNextBoot: false,
    kept: keep,
    notInStorage: [],
    goes,
    frees: 3000,
    undoable: !body.dryRun,
    openFiles: [],
  }
}

function stubDevice(busyOnce = false) {
  let resetDone = false
  let busy = busyOnce
  return stubApi({
    'GET /api/changes': () => ({
      body: { total: changes.length, offset: 0, limit: 5000, counts: {}, changes },
    }),
    'GET /api/usage': () => ({ body: usage(resetDone ? 3000 : 0) }),
    'POST /api/reset': (call) => {
      const body = call.body as ResetRequest
      if (!body.dryRun && busy && !body.force) {
        busy = false
        return {
          status: 409,
          body: {
            problem: 'busy',
            message: '1 open file would be stranded.',
            openFiles: [
              { path: '/opt/app/log', pid: 812, uid: 0, command: 'plant-monitor', write: true },
            ],
          },
        }
      }
      if (!body.dryRun) resetDone = true
      return { body: resetAnswer(call) }
    },
    'POST /api/reset/undo': () => ({ body: { applied: true, undoable: true } }),
  })
}

describe('the factory reset', () => {
  it('keeps the suggested paths, lists what goes, needs the typed name, resets and undoes', async () => {
    const calls = stubDevice()
    renderScreen(<ResetPage />, { me: admin })
    const user = userEvent.setup()
    const network = await screen.findByRole<HTMLInputElement>('checkbox', {
      name: /\/etc\/network — network configuration/,
    })
    expect(network.checked).toBe(true)
    expect(
      screen.getByRole<HTMLInputElement>('checkbox', { name: /\/etc\/passwd — accounts/ }).checked,
    ).toBe(true)
    await user.click(screen.getByRole('button', { name: 'Show what goes' }))
    const list = await screen.findByRole('list', { name: 'Changes the reset removes' })
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['modified/etc/hosts', 'added/opt/app/log', 'deleted/etc/motd'])
    expect(calls.find((c) => c.path === '/api/reset')?.body).toEqual({
      keep: ['/etc/network', '/etc/passwd'],
      dryRun: true,
      force: false,
      atNextBoot: false,
    })

    const go = screen.getByRole('button', { name: /^Reset to factory/ })
    expect(go.hasAttribute('disabled')).toBe(true)
    await user.type(screen.getByLabelText(/type the device name/), 'plant-gw')
    expect(go.hasAttribute('disabled')).toBe(true)
    await user.type(screen.getByLabelText(/type the device name/), '-01')
    expect(go.hasAttribute('disabled')).toBe(false)
    await user.click(go)
    expect(
      (await screen.findByText('Factory reset done')).closest('[role=status]')?.textContent,
    ).toContain('3 changes removed')
    const applied = calls.filter((c) => c.path === '/api/reset').at(-1)
    expect((applied?.body as ResetRequest).dryRun).toBe(false)

    await user.click(await screen.findByRole('button', { name: 'Undo reset' }))
    await screen.findByText(/Undone: the previous state is back/)
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/reset/undo')).toBe(true)
  })

  it('shows the open files a reset would strand and resends with force only when ticked', async () => {
    const calls = stubDevice(true)
    renderScreen(<ResetPage />, { me: admin })
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Show what goes' }))
    await user.type(await screen.findByLabelText(/type the device name/), 'plant-gw-01')
    await user.click(screen.getByRole('button', { name: /^Reset to factory/ }))
    expect(await screen.findByText(/plant-monitor \(pid 812, uid 0, writing\)/)).toBeTruthy()
    const go = screen.getByRole('button', { name: /^Reset to factory/ })
    expect(go.hasAttribute('disabled')).toBe(true)
    await user.click(screen.getByRole('checkbox', { name: /Go ahead anyway/ }))
    await user.click(go)
    await screen.findByText('Factory reset done')
    await waitFor(() =>
      expect(
        (calls.filter((c) => c.path === '/api/reset').at(-1)?.body as ResetRequest).force,
      ).toBe(true),
    )
  })
})
