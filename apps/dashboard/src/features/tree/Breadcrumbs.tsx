import { Link } from 'wouter'
import { filesHref } from '../../shared/location.ts'
import { ancestorsOf, displayName, nameOf } from '../../shared/paths.ts'
import s from './tree.module.css'

export function Breadcrumbs({ dir }: { dir: string }) {
  const parts = ancestorsOf(dir)
  return (
    <nav aria-label="Folder path">
      <ol className={s.crumbs}>
        {parts.map((path, i) => (
          <li key={path}>
            {i === parts.length - 1 ? (
              <span aria-current="location">
                {path === '/' ? '(root)' : displayName(nameOf(path))}
              </span>
            ) : (
              <Link href={filesHref({ dir: path })}>
                {path === '/' ? '(root)' : displayName(nameOf(path))}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </nav>
  )
}
