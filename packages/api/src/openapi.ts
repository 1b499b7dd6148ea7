/** The OpenAPI 3.1 document, generated from the endpoint table and its zod schemas. */
import { z } from 'zod'
import { endpoints, type Endpoint } from './endpoints.ts'
import { EVENT_KINDS, eventDataSchemas } from './events.ts'
import { PROBLEM_STATUS, problemSchema, type ProblemCode } from './problems.ts'

type Json = Record<string, unknown>

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' })

function queryParameters(schema: z.ZodType | undefined): Json[] {
  if (schema === undefined) return []
  const json = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] }
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }))
}

function requestBody(body: Endpoint['body']): Json | undefined {
  if (body === undefined) return undefined
  if (body === 'gzip') {
    return { required: true, content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } } }
  }
  return { required: true, content: { 'application/json': { schema: schemaOf(body, 'input') } } }
}

function okResponse(response: Endpoint['response']): Json {
  if (response === 'application/gzip')
    return { description: 'the backup archive', content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } } }
  if (response === 'text/event-stream') {
    const kinds = EVENT_KINDS.map((k) => `\`${k}\``).join(', ')
    return { description: `server-sent events named ${kinds}; data is JSON (see x-events)`, content: { 'text/event-stream': { schema: { type: 'string' } } } }
  }
  if (response === 'application/json') return { description: 'a JSON document', content: { 'application/json': { schema: { type: 'object' } } } }
  return { description: 'success', content: { 'application/json': { schema: schemaOf(response, 'output') } } }
}

const COMMON: ProblemCode[] = ['internal-error']

function responses(e: Endpoint): Json {
  const out: Json = { '200': okResponse(e.response) }
  const problems = new Set<ProblemCode>([...e.problems, ...COMMON])
  if (e.access !== 'anyone') problems.add('not-signed-in')
  if (e.access === 'admin') problems.add('access-denied')
  if (e.method !== 'get') {
    problems.add('access-denied') // CSRF: a foreign or missing Origin
    out['415'] = { description: 'invalid-input: the body must be JSON (a .tar.gz for restore)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } }
  }
  for (const p of problems) {
    const status = String(PROBLEM_STATUS[p])
    const seen = out[status] as { description: string } | undefined
    out[status] = {
      description: seen === undefined ? p : `${seen.description}, ${p}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
    }
  }
  return out
}

export function buildOpenApi(version: string): Json {
  const paths: Record<string, Json> = {}
  for (const [name, e] of Object.entries(endpoints) as Array<[string, Endpoint]>) {
    const op: Json = {
      operationId: name,
      summary: e.summary,
      'x-access': e.access,
      parameters: queryParameters(e.query),
      responses: responses(e),
    }
    if (e.access !== 'anyone') op.security = [{ session: [] }, { bearer: [] }]
    const body = requestBody(e.body)
    if (body !== undefined) op.requestBody = body
    paths[e.path] = { ...(paths[e.path] ?? {}), [e.method]: op }
  }
  const events = Object.fromEntries(EVENT_KINDS.map((k) => [k, schemaOf(eventDataSchemas[k], 'output')]))
  return {
    openapi: '3.1.0',
    info: {
      title: 'LayerDeck agent',
      version,
      description:
        'The HTTP API of a LayerDeck device. Sign in with POST /api/session (cookie) or send `Authorization: Bearer TOKEN` (`layerdeck user token NAME`). Cookie-authenticated requests that change anything need a JSON body and a same-origin Origin or Sec-Fetch-Site header.',
    },
    paths,
    components: {
      schemas: { Problem: schemaOf(problemSchema, 'output') },
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'layerdeck_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
    'x-events': events,
  }
}
