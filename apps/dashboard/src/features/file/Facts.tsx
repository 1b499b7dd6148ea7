import { Link } from 'wouter'
import type { Change, FieldChange } from '@layerdeck/api'
import { formatBytes, formatCount, formatField } from '../../shared/format.ts'
import { filesHref } from '../../shared/location.ts'
import { displayName, parentOf } from '../../shared/paths.ts'
import { StateBadge } from '../../shared/ui/StateBadge.tsx'
import ui from '../../shared/ui/ui.module.css'
import s from './file.module.css'

const FIELD_NAME: Record<FieldChange['field'], string> = {
  mode: 'Mode',
  uid: 'Owner (uid)',
  gid: 'Group (gid)',
  mtime: 'Modified',
  xattrs: 'Attributes',
}

export function FieldChanges({ fields }: { fields: FieldChange[] }) {
  if (fields.length === 0) return null
  return (
    <table className={s.facts}>
      <caption>Metadata changes</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Factory</th>
          <th scope="col">Now</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.field}>
            <th scope="row">{FIELD_NAME[f.field]}</th>
            <td>{formatField(f.field, f.base)}</td>
            <td className={s.changed}>{formatField(f.field, f.current)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

type Side = { size: number; sha256: string } | null

export function BinaryFacts({
  base,
  current,
  link,
}: {
  base?: Side
  current?: Side
  link?: { base: string | null; current: string | null }
}) {
  if (link)
    return (
      <table className={s.facts}>
        <caption>Symbolic link target</caption>
        <tbody>
          <tr>
            <th scope="row">Factory</th>
            <td>
              <code>{link.base === null ? '(none)' : displayName(link.base)}</code>
            </td>
          </tr>
          <tr>
            <th scope="row">Now</th>
            <td>
              <code>{link.current === null ? '(none)' : displayName(link.current)}</code>
            </td>
          </tr>
        </tbody>
      </table>
    )
  const row = (label: string, side: Side | undefined) =>
    side === undefined ? null : (
      <tr>
        <th scope="row">{label}</th>
        <td>{side ? `${formatBytes(side.size)} (${formatCount(side.size)} bytes)` : '(none)'}</td>
        <td>
          <code className={s.hash}>{side ? side.sha256 : ''}</code>
        </td>
      </tr>
    )
  return (
    <table className={s.facts}>
      <caption>Binary file: sizes and SHA-256</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Size</th>
          <th scope="col">SHA-256</th>
        </tr>
      </thead>
      <tbody>
        {row('Factory', base)}
        {row('Now', current)}
      </tbody>
    </table>
  )
}

export function FolderChanges({ changes }: { changes: Change[] }) {
  if (changes.length === 0) return null
  return (
    <section aria-label="Changes in this folder">
      <h3 className={s.subhead}>
        {changes.length} change{changes.length === 1 ? '' : 's'} in this folder
      </h3>
      <ul className={ui.list}>
        {changes.map((c) => (
          <li key={c.path}>
            <StateBadge state={c.state} />
            <Link href={filesHref({ dir: parentOf(c.path), file: c.path })}>
              {displayName(c.path)}
            </Link>
            {c.type === 'file' ? <span>{formatBytes(c.size)}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  )
}
