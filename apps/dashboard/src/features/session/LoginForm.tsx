import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api } from '../../shared/api/endpoints.ts'
import { ApiError, errorMessage } from '../../shared/api/http.ts'
import { keys } from '../../shared/queryKeys.ts'
import { Button } from '../../shared/ui/Button.tsx'
import { Notice } from '../../shared/ui/Notice.tsx'
import { throttleText, useThrottle } from './useThrottle.ts'
import s from './session.module.css'

export function LoginForm() {
  const client = useQueryClient()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const throttle = useThrottle()
  const login = useMutation({
    mutationFn: () => api.login(username, password),
    onSuccess: (me) => {
      client.setQueryData(keys.me(), me)
    },
    onError: throttle.note,
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (throttle.until === null) login.mutate()
  }
  const wrong = login.error instanceof ApiError && login.error.status === 401
  return (
    <form className={s.form} onSubmit={submit} noValidate>
      <h1>Sign in</h1>
      <label className={s.field}>
        <span>Name</span>
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
        <span>Password</span>
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <div className={s.messages}>
        {throttle.until !== null ? (
          <Notice kind="error" title="Signing in is paused">
            {throttleText(throttle.until, throttle.secondsLeft)}
          </Notice>
        ) : login.isError &&
          !(login.error instanceof ApiError && login.error.problem === 'rate-limited') ? (
          <Notice kind="error" title={wrong ? 'Wrong name or password' : 'Could not sign in'}>
            {errorMessage(login.error)}
          </Notice>
        ) : null}
      </div>
      <Button
        type="submit"
        variant="primary"
        disabled={login.isPending || throttle.until !== null || !username || !password}
      >
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
      <p className={s.hint}>
        Forgot the password? On the device: <code>layerdeck user passwd NAME --storage DIR</code>
      </p>
    </form>
  )
}
