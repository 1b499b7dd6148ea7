import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { keys } from '../../shared/queryKeys.ts'
import { admin, renderScreen, stubApi } from '../../testing/render.tsx'
import { SignInPage } from './SignInPage.tsx'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('sign-in', () => {
  it('signs in with the name and password and stores who is signed in', async () => {
    const calls = stubApi({
      'GET /api/setup': () => ({ body: { needed: false } }),
      'POST /api/session': () => ({ body: admin }),
    })
    const { client } = renderScreen(<SignInPage />, { me: null })
    const user = userEvent.setup()
    await user.type(await screen.findByLabelText('Name'), 'admin')
    await user.type(screen.getByLabelText('Password'), 'plant-room-42')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(client.getQueryData(keys.me())).toEqual(admin))
    const login = calls.find((c) => c.path === '/api/session')
    expect(login?.body).toEqual({ username: 'admin', password: 'plant-room-42' })
  })

  it("says the password is wrong with the agent's message, and lets the user try again", async () => {
    stubApi({
      'GET /api/setup': () => ({ body: { needed: false } }),
      'POST /api/session': () => ({
        status: 401,
        body: {
          problem: 'not-signed-in',
          message: 'That name and password do not match an account.',
        },
      }),
    })
    renderScreen(<SignInPage />, { me: null })
    const user = userEvent.setup()
    await user.type(await screen.findByLabelText('Name'), 'admin')
    await user.type(screen.getByLabelText('Password'), 'nope')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Wrong name or password')
    expect(alert.textContent).toContain('That name and password do not match an account.')
    expect(screen.getByRole('button', { name: 'Sign in' }).hasAttribute('disabled')).toBe(false)
  })

  it('when throttled, says when to try again and refuses to send until then', async () => {
    const calls = stubApi({
      'GET /api/setup': () => ({ body: { needed: false } }),
      'POST /api/session': () => ({
        status: 429,
        body: { problem: 'rate-limited', message: 'Too many failed sign-ins.', retryAfter: 120 },
        headers: { 'retry-after': '120' },
      }),
    })
    renderScreen(<SignInPage />, { me: null })
    const user = userEvent.setup()
    await user.type(await screen.findByLabelText('Name'), 'admin')
    await user.type(screen.getByLabelText('Password'), 'right-password')
    await user.click(screen.getByRole('button', { name: 'Sign in' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toMatch(/Try again at .+ \(in 2 min\)/)
    expect(screen.getByRole('button', { name: 'Sign in' }).hasAttribute('disabled')).toBe(true)
    expect(calls.filter((c) => c.path === '/api/session')).toHaveLength(1)
  })

  it('on first run, creates the admin with the setup token', async () => {
    const calls = stubApi({
      'GET /api/setup': () => ({ body: { needed: true } }),
      'POST /api/setup': () => ({ body: admin }),
    })
    const { client } = renderScreen(<SignInPage />, { me: null })
    const user = userEvent.setup()
    await user.type(await screen.findByLabelText('Setup token'), ' QZ94DDO4WT ')
    await user.type(screen.getByLabelText('Password (8 characters or more)'), 'short')
    expect(screen.getByText('The password needs at least 8 characters.')).toBeTruthy()
    await user.type(screen.getByLabelText('Password (8 characters or more)'), '-but-now-long')
    await user.type(screen.getByLabelText('Password again'), 'short-but-now-long')
    await user.click(screen.getByRole('button', { name: 'Create administrator and sign in' }))
    await waitFor(() => expect(client.getQueryData(keys.me())).toEqual(admin))
    expect(calls.find((c) => c.path === '/api/setup' && c.method === 'POST')?.body).toEqual({
      token: 'QZ94DDO4WT',
      username: 'admin',
      password: 'short-but-now-long',
    })
  })
})
