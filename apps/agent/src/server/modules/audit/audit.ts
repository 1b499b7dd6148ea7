/**
 * The audit log: one JSON line per state-changing request (refused ones too) and per failed
 * sign-in, in DATA/audit.log (0600). When it passes `maxBytes` it becomes audit.log.1 (one
 * generation kept). Pages are read backwards from the end, so a large log is never read whole.
 */
import { appendFileSync, closeSync, fstatSync, openSync, readSync, renameSync, statSync } from 'node:fs'
import type { AuditEntry } from '@layerdeck/api'

const CHUNK = 64 * 1024

export class AuditLog {
  readonly #file: string
  readonly #maxBytes: number
  #lastId: number

  constructor(file: string, maxBytes = 4 << 20) {
    this.#file = file
    this.#maxBytes = maxBytes
    this.#lastId = lastId(file) ?? lastId(`${file}.1`) ?? 0
  }

  record(entry: Omit<AuditEntry, 'id' | 'time'>): AuditEntry {
    const full: AuditEntry = { id: ++this.#lastId, time: new Date().toISOString(), ...entry }
    try {
      if (statSync(this.#file).size > this.#maxBytes) renameSync(this.#file, `${this.#file}.1`)
    } catch {
      // no log yet
    }
    appendFileSync(this.#file, `${JSON.stringify(full)}\n`, { mode: 0o600 })
    return full
  }

  /** Newest first, only ids below `before` (0: from the newest). */
  page(limit: number, before: number): { entries: AuditEntry[]; next: number | null } {
    const entries: AuditEntry[] = []
    for (const file of [this.#file, `${this.#file}.1`]) {
      for (const line of linesBackwards(file)) {
        const entry = parse(line)
        if (entry === undefined || (before > 0 && entry.id >= before)) continue
        entries.push(entry)
        if (entries.length > limit) break
      }
      if (entries.length > limit) break
    }
    const more = entries.length > limit
    const page = entries.slice(0, limit)
    return { entries: page, next: more ? (page[page.length - 1]?.id ?? null) : null }
  }
}

function parse(line: string): AuditEntry | undefined {
  try {
    return JSON.parse(line) as AuditEntry
  } catch {
    return undefined
  }
}

function lastId(file: string): number | undefined {
  for (const line of linesBackwards(file)) {
    const entry = parse(line)
    if (entry !== undefined) return entry.id
  }
  return undefined
}

/** The file's lines from the last to the first, read in chunks from the end. */
function* linesBackwards(file: string): Generator<string> {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return
  }
  try {
    let pos = fstatSync(fd).size
    let rest = Buffer.alloc(0)
    const buf = Buffer.allocUnsafe(CHUNK)
    while (pos > 0) {
      const n = Math.min(CHUNK, pos)
      pos -= n
      readSync(fd, buf, 0, n, pos)
      let data = Buffer.concat([buf.subarray(0, n), rest])
      for (let i = data.lastIndexOf(0x0a); i >= 0; i = data.lastIndexOf(0x0a)) {
        const line = data.subarray(i + 1).toString('utf8')
        data = data.subarray(0, i)
        if (line !== '') yield line
      }
      rest = Buffer.from(data)
    }
    if (rest.length > 0) yield rest.toString('utf8')
  } finally {
    closeSync(fd)
  }
}
