import { useState, type FormEvent } from 'react'
import { displayName } from '../../shared/paths.ts'
import { Button } from '../../shared/ui/Button.tsx'
import ui from '../../shared/ui/ui.module.css'
import type { KeepSuggestion } from './keepSuggestions.ts'
import s from './reset.module.css'

export interface KeepListProps {
  suggestions: KeepSuggestion[]
  keep: string[]
  onChange: (keep: string[]) => void
}

/** Tick what survives the reset; add any other path by hand. */
export function KeepList({ suggestions, keep, onChange }: KeepListProps) {
  const [extra, setExtra] = useState('')
  const toggle = (path: string, on: boolean) =>
    onChange(on ? [...keep, path] : keep.filter((p) => p !== path))
  const custom = keep.filter((p) => !suggestions.some((sg) => sg.root === p))
  const add = (e: FormEvent) => {
    e.preventDefault()
    const path = extra.trim()
    if (path.startsWith('/') && !keep.includes(path)) onChange([...keep, path])
    setExtra('')
  }
  return (
    <fieldset className={s.fieldset}>
      <legend>Keep through the reset</legend>
      {suggestions.length === 0 ? (
        <p className={s.muted}>
          Nothing that is usually kept (network, accounts, SSH keys) has changed.
        </p>
      ) : null}
      {suggestions.map((sg) => (
        <label key={sg.root} className={ui.check}>
          <input
            type="checkbox"
            checked={keep.includes(sg.root)}
            onChange={(e) => toggle(sg.root, e.target.checked)}
          />
          <span>
            <code>{displayName(sg.root)}</code> — {sg.why}{' '}
            <small className={s.muted}>({sg.changes} changed)</small>
          </span>
        </label>
      ))}
      {custom.map((path) => (
        <label key={path} className={ui.check}>
          <input type="checkbox" checked onChange={() => toggle(path, false)} />
          <span>
            Keep <code>{displayName(path)}</code> (added by you)
          </span>
        </label>
      ))}
      <form className={s.addKeep} onSubmit={add}>
        <input
          type="text"
          aria-label="Another path to keep"
          placeholder="/etc/another.conf"
          value={extra}
          onChange={(e) => setExtra(e.target.value)}
        />
        <Button type="submit" disabled={!extra.trim().startsWith('/')}>
          Keep this path
        </Button>
      </form>
    </fieldset>
  )
}
