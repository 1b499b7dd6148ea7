import { QueryClientProvider, useQueryClient } from '@tanstack/react-query'
import { lazy, Suspense, useEffect, useState } from 'react'
import { Redirect, Route, Switch, useLocation, useSearch } from 'wouter'
import { onSignedOut } from '../shared/api/http.ts'
import { keys } from '../shared/queryKeys.ts'
import { useMe } from '../shared/queries.ts'
import { Notice } from '../shared/ui/Notice.tsx'
import { errorMessage } from '../shared/api/http.ts'
import { SignInPage } from '../features/session/index.ts'
import { OverviewPage } from '../features/overview/index.ts'
import { createQueryClient } from './queryClient.ts'
import { Shell } from './Shell.tsx'
import s from './app.module.css'

const FilesScreen = lazy(() => import('./FilesScreen.tsx'))
const ResetPage = lazy(() =>
  import('../features/reset/index.ts').then((m) => ({ default: m.ResetPage })),
)
const BackupPage = lazy(() =>
  import('../features/backup/index.ts').then((m) => ({ default: m.BackupPage })),
)
const AuditPage = lazy(() =>
  import('../features/audit/index.ts').then((m) => ({ default: m.AuditPage })),
)

export function App() {
  const [client] = useState(createQueryClient)
  return (
    <QueryClientProvider client={client}>
      <AuthGate />
    </QueryClientProvider>
  )
}

/** Sends a signed-out user to sign-in, remembering where they were, and back afterwards. */
function AuthGate() {
  const client = useQueryClient()
  const me = useMe()
  const [location] = useLocation()
  const search = useSearch()
  useEffect(() => onSignedOut(() => client.setQueryData(keys.me(), null)), [client])

  if (me.isPending)
    return (
      <div className={s.splash} role="status">
        Connecting to the device…
      </div>
    )
  if (me.isError && me.data === undefined)
    return (
      <main className={s.splash}>
        <Notice kind="error" title="The device does not answer">
          {errorMessage(me.error)}
        </Notice>
      </main>
    )
  if (me.data === null || me.data === undefined) {
    if (location === '/signin') return <SignInPage />
    const here = `${location}${search ? `?${search}` : ''}`
    return <Redirect to={`/signin?next=${encodeURIComponent(here)}`} replace />
  }
  return (
    <Shell me={me.data}>
      <Suspense
        fallback={
          <div className={s.loading} role="status">
            Loading…
          </div>
        }
      >
        <Switch>
          <Route path="/">
            <OverviewPage />
          </Route>
          <Route path="/files">
            <FilesScreen />
          </Route>
          <Route path="/reset">
            {me.data.role === 'admin' ? <ResetPage /> : <Redirect to="/" />}
          </Route>
          <Route path="/backup">
            {me.data.role === 'admin' ? <BackupPage /> : <Redirect to="/" />}
          </Route>
          <Route path="/audit">
            {me.data.role === 'admin' ? <AuditPage /> : <Redirect to="/" />}
          </Route>
          <Route path="/signin">
            <AfterSignIn />
          </Route>
          <Route>
            <Notice kind="warn" title="No such page">
              Use the menu above.
            </Notice>
          </Route>
        </Switch>
      </Suspense>
    </Shell>
  )
}

/** Signed in while on /signin: go where the user was going. */
function AfterSignIn() {
  const next = new URLSearchParams(useSearch()).get('next')
  const safe =
    next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/signin')
      ? next
      : '/'
  return <Redirect to={safe} replace />
}
