import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api } from '../../shared/api/endpoints.ts'
import { ApiError, errorMessage } from '../../shared/api/http.ts'
import { keys } from '../../shared/queryKeys.ts'
import { Button } from '../../shared/ui/Button.tsx'
import { Notice } from '../../shared/ui/Notice.tsx'
import { throttleText, useThrottle } from './useThrottle.ts'
import s from './session.module.css'

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/

/** What is wrong with the form before anything is sent, or null. */
export function setupProblem(username: string, password: string, repeat: string): string | null {
  if (username && !NAME.test(username))
    return 'The name takes 1-32 letters, digits, _ . - and does not start with a digit.'
  if (password && password.length < 8) return 'The password needs at least 8 characters.'
  if (repeat && repeat !== password) return 'The two passwords differ.'
  return null
}

/** First run: the agent printed a one-time setup token on its console; it creates the admin. */
export function SetupForm() {
  const client = useQueryClient()
  const [token, setToken] = useState('')
  const [username, setUsername] = useState('admin')
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const throttle = useThrottle()
  const setup = useMutation({
    mutationFn: () => api.setup({ token: token.trim(), username, password }),
    onSuccess: (me) => {
      client.setQueryData(keys.me(), me)
      // The device has its admin now: signing out must show the sign-in form, not setup again.
      void client.invalidateQueries({ queryKey: keys.setup() })
    },
    onError: (error) => {
      throttle.note(error)
      // Someone else finished setup meanwhile: show the sign-in form.
      if (error instanceof ApiError && error.problem === 'conflict')
        void client.invalidateQueries({ queryKey: keys.setup() })
    },
  })
  const problem = setupProblem(username, password, repeat)
  const ready = token.trim() && username && password && repeat === password && !problem
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (ready && throttle.until === null) setup.mutate()
  }
  return (
    <form className={s.form} onSubmit={submit} noValidate>
      <h1>Set up this device</h1>
      <p className={s.hint}>
        No administrator exists yet. The agent printed a one-time setup token when it started (also
        in <code>STORAGE/layerdeck/setup-token</code>, readable by root only).
      </p>
      <label className={s.field}>
        <span>Setup token</span>
        <input
          type="text"
          name="token"
          autoComplete="one-time-code"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
      </label>
      <label className={s.field}>
        <span>Administrator name</span>
        <input
          type="text"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label className={s.field}>
        <span>Password (8 characters or more)</span>
        <input
          type="password"
          name="new-password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <label className={s.field}>
        <span>Password again</span>
        <input
          type="password"
          name="repeat-password"
          autoComplete="new-password"
          required
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
      </label>
      <div className={s.messages}>
        {problem ? <Notice kind="warn" title={problem} /> : null}
        {throttle.until !== null ? (
          <Notice kind="error" title="Setup is paused">
            {throttleText(throttle.until, throttle.secondsLeft)}
          </Notice>
        ) : setup.isError ? (
          <Notice kind="error" title="Setup did not work">
            {errorMessage(setup.error)}
          </Notice>
        ) : null}
      </div>
      <Button
        type="submit"
        variant="primary"
        disabled={!ready || setup.isPending || throttle.until !== null}
      >
        {setup.isPending ? 'Creating…' : 'Create administrator and sign in'}
      </Button>
    </form>
  )
}
