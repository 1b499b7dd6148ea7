import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, type ReactNode } from 'react'
import { Link, useLocation } from 'wouter'
import type { Me } from '@layerdeck/api'
import { api } from '../shared/api/endpoints.ts'
import { errorMessage } from '../shared/api/http.ts'
import { startEventStream, streamStatus } from '../shared/events.ts'
import { keys } from '../shared/queryKeys.ts'
import { useDevice, useHealth } from '../shared/queries.ts'
import { useStore } from '../shared/store.ts'
import { Button } from '../shared/ui/Button.tsx'
import { Notice } from '../shared/ui/Notice.tsx'
import { PersistenceBadge } from '../shared/ui/PersistenceBadge.tsx'
import s from './app.module.css'

interface NavItem {
  href: string
  label: string
  admin: boolean
}

const NAV: NavItem[] = [
  { href: '/', label: 'Overview', admin: false },
  { href: '/files', label: 'Files', admin: false },
  { href: '/reset', label: 'Reset', admin: true },
  { href: '/backup', label: 'Backup', admin: true },
  { href: '/audit', label: 'Audit', admin: true },
]

/** The frame of every signed-in page: device, persistence, navigation, the live stream. */
export function Shell({ me, children }: { me: Me; children: ReactNode }) {
  const client = useQueryClient()
  const [location] = useLocation()
  const device = useDevice()
  const health = useHealth()
  const stream = useStore(streamStatus)
  useEffect(() => {
    const events = startEventStream(client)
    return () => events.close()
  }, [client])
  // The stream refused (session ended elsewhere, agent restarting): ask who we are now; a 401
  // sends the user to sign-in. And look again when an idle session is due to end.
  useEffect(() => {
    if (stream === 'down') void client.invalidateQueries({ queryKey: keys.me() })
  }, [stream, client])
  useEffect(() => {
    if (me.idleExpiresAt === null) return
    const timer = setTimeout(
      () => void client.invalidateQueries({ queryKey: keys.me() }),
      Math.max(1000, me.idleExpiresAt - Date.now() + 1000),
    )
    return () => clearTimeout(timer)
  }, [me.idleExpiresAt, client])

  const chrome = useChromeHeight()
  const hostname = device.data?.hostname
  useEffect(() => {
    document.title = hostname ? `${hostname} · LayerDeck` : 'LayerDeck'
  }, [hostname])
  const reachable = !health.isError
  const logout = useMutation({
    mutationFn: api.logout,
    onSettled: () => client.setQueryData(keys.me(), null),
  })
  const nav = NAV.filter((item) => !item.admin || me.role === 'admin')
  const active = (href: string) => (href === '/' ? location === '/' : location.startsWith(href))

  return (
    <div className={s.shell}>
      <div ref={chrome} className={s.chrome}>
        <header className={s.header}>
          <div className={s.brand}>
            <span className={s.logo} aria-hidden="true" />
            <span className={s.host}>{device.data?.hostname ?? 'LayerDeck'}</span>
          </div>
          <PersistenceBadge device={device.data} reachable={reachable} />
          <div className={s.user}>
            <span
              className={s.live}
              data-state={reachable ? stream : 'down'}
              title="Live updates from the device"
            >
              {reachable && stream === 'live'
                ? 'Live'
                : reachable && stream === 'connecting'
                  ? 'Connecting'
                  : 'Offline'}
            </span>
            <span className={s.who}>
              {me.username} <small>({me.role})</small>
            </span>
            <Button small onClick={() => logout.mutate()} disabled={logout.isPending}>
              Sign out
            </Button>
          </div>
        </header>
        <nav className={s.nav} aria-label="Main">
          {nav.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              className={s.navLink}
              aria-current={active(item.href) ? 'page' : undefined}
            >
              {item.label}
            </Link>
          ))}
        </nav>
        {!reachable ? (
          <div className={s.banner}>
            <Notice kind="error" title="Device unreachable">
              {errorMessage(health.error)} What is on screen may be out of date.
            </Notice>
          </div>
        ) : null}
      </div>
      <main className={s.main}>{children}</main>
    </div>
  )
}

/** Publishes the height of the header, menu and banners as --chrome (the Files screen fills the rest). */
function useChromeHeight() {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = ref.current
    if (!el || typeof ResizeObserver === 'undefined') return
    const root = document.documentElement
    const observer = new ResizeObserver(() =>
      root.style.setProperty('--chrome', `${Math.ceil(el.getBoundingClientRect().height)}px`),
    )
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  return ref
}
