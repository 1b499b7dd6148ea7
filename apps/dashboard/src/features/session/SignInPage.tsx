import { useQuery } from '@tanstack/react-query'
import { api } from '../../shared/api/endpoints.ts'
import { errorMessage } from '../../shared/api/http.ts'
import { keys } from '../../shared/queryKeys.ts'
import { Notice } from '../../shared/ui/Notice.tsx'
import { LoginForm } from './LoginForm.tsx'
import { SetupForm } from './SetupForm.tsx'
import s from './session.module.css'

/** First run (no admin yet: create one with the setup token) or sign in. */
export function SignInPage() {
  const setup = useQuery({
    queryKey: keys.setup(),
    queryFn: ({ signal }) => api.setupState({ signal }),
  })
  return (
    <main className={s.page}>
      <div className={s.panel}>
        <div className={s.brand}>
          <span className={s.logo} aria-hidden="true" />
          <span>LayerDeck</span>
        </div>
        {setup.isPending ? (
          <p role="status">Connecting to the device…</p>
        ) : setup.isError ? (
          <Notice kind="error" title="The device does not answer">
            {errorMessage(setup.error)}
          </Notice>
        ) : setup.data.needed ? (
          <SetupForm />
        ) : (
          <LoginForm />
        )}
      </div>
    </main>
  )
}
