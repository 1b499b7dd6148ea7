/**
 * The Files screen's URL: /files?dir=/etc&file=/etc/hosts&view=changes&q=host. Links can be
 * shared and the back button walks folders and files. Paths use encodeParam (byte names).
 */
import { useSearch } from 'wouter'
import { decodeParam, encodeParam } from './paths.ts'

export interface FilesParams {
  dir: string
  file: string | null
  view: 'tree' | 'changes'
  q: string
}

export function parseFilesSearch(search: string): FilesParams {
  const params: Record<string, string> = {}
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue
    const eq = part.indexOf('=')
    const key = eq < 0 ? part : part.slice(0, eq)
    params[key] = eq < 0 ? '' : decodeParam(part.slice(eq + 1))
  }
  const dir = params['dir']?.startsWith('/') ? params['dir'] : '/'
  const file = params['file']?.startsWith('/') ? params['file'] : null
  return {
    dir,
    file,
    view: params['view'] === 'changes' ? 'changes' : 'tree',
    q: params['q'] ?? '',
  }
}

export function filesHref(p: Partial<FilesParams>): string {
  const parts: string[] = [`dir=${encodeParam(p.dir ?? '/')}`]
  if (p.file) parts.push(`file=${encodeParam(p.file)}`)
  if (p.view === 'changes') parts.push('view=changes')
  if (p.q) parts.push(`q=${encodeParam(p.q)}`)
  return `/files?${parts.join('&')}`
}

export const useFilesParams = (): FilesParams => parseFilesSearch(useSearch())
