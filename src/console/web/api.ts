/**
 * The console's only way to the service: the admin REST API, typed from openapi.yaml (generated/openapi.types.ts).
 * `api.get('/api/v1/integrations/{id}', { params: { id } })` is checked against the document at compile time: the path,
 * its parameters, its body and the shape of its answer. Errors come back as `ApiError`, worded as the API words them.
 */
import type { components, paths } from './generated/openapi.types.js'
import { forgetToken, storedToken } from './token.js'

export type Schemas = components['schemas']
export type Integration = Schemas['Integration']
export type Company = Schemas['Company']
export type Batch = Schemas['Batch']
export type OrderStatus = Schemas['OrderDeliveryStatus']
export type AuditEvent = Schemas['AuditEvent']
export type Problem = Schemas['Problem']

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
type ApiPath = Extract<keyof paths, `/api/v1/${string}`>
type PathsWith<M extends Method> = { [P in ApiPath]: paths[P][M] extends { responses: unknown } ? P : never }[ApiPath]
type Operation<P extends ApiPath, M extends Method> = Extract<paths[P][M], { responses: unknown }>

type PathParams<O> = O extends { parameters: { path: infer T } } ? T : never
type QueryParams<O> = O extends { parameters: { query?: infer T } } ? T : never
type JsonBody<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never
type Responses<O> = O extends { responses: infer R } ? R : never
/** The JSON of the operation's 200 or 201. */
type Answer<O> = JsonOf<Responses<O>[200 & keyof Responses<O>]> | JsonOf<Responses<O>[201 & keyof Responses<O>]>

export interface CallOptions<O> {
  params?: PathParams<O>
  query?: QueryParams<O>
  body?: JsonBody<O>
}

/** An answer other than 2xx, or no answer at all (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's `error.code` (src/errors.ts), or `NETWORK` when the service did not answer. */
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  /** `details.problems` of a validation error: each with its JSON path. */
  get problems(): Problem[] {
    const problems = this.details?.['problems']
    return Array.isArray(problems) ? (problems as Problem[]) : []
  }

  /** The token is missing, wrong or expired, its role may not, or the API has no key: the page cannot go on. */
  get isSignInProblem(): boolean {
    return this.status === 401 || this.status === 403 || this.code === 'ADMIN_API_NOT_CONFIGURED'
  }
}

let onSignInProblem: (error: ApiError) => void = () => undefined

/** Who shows the sign-in screen when a call meets 401, 403 or an API without keys. */
export function whenSignInFails(handler: (error: ApiError) => void): void {
  onSignInProblem = handler
}

function urlOf(template: string, params: unknown, query: unknown): string {
  const values = (params ?? {}) as Record<string, string | number>
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])))
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') search.set(name, String(value))
  }
  const text = search.toString()
  return text ? `${path}?${text}` : path
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // not JSON: a proxy's page, say
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error
  if (error && typeof error.message === 'string') {
    const details = error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : null
    return new ApiError(response.status, typeof error.code === 'string' ? error.code : 'UNKNOWN', error.message, details)
  }
  return new ApiError(response.status, 'UNKNOWN', `Сервис ответил HTTP ${response.status} ${response.statusText}`.trim())
}

/** One request; resolves with the raw response when it is 2xx, rejects with an ApiError otherwise. */
async function send(method: Method, url: string, body: unknown, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept }
  const token = storedToken()
  if (token) headers['authorization'] = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(url, {
      method: method.toUpperCase(),
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    })
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `Нет связи с сервисом: ${(error as Error).message}`)
  }
  if (response.ok) return response
  const error = await errorOf(response)
  if (error.isSignInProblem) {
    if (error.status === 401) forgetToken()
    onSignInProblem(error)
  }
  throw error
}

async function callJson<M extends Method, P extends PathsWith<M>>(
  method: M,
  path: P,
  options: CallOptions<Operation<P, M>> = {},
): Promise<Answer<Operation<P, M>>> {
  const response = await send(method, urlOf(path, options.params, options.query), options.body, 'application/json')
  return (await response.json()) as Answer<Operation<P, M>>
}

export const api = {
  get: <P extends PathsWith<'get'>>(path: P, options?: CallOptions<Operation<P, 'get'>>) => callJson('get', path, options),
  post: <P extends PathsWith<'post'>>(path: P, options?: CallOptions<Operation<P, 'post'>>) => callJson('post', path, options),
  put: <P extends PathsWith<'put'>>(path: P, options?: CallOptions<Operation<P, 'put'>>) => callJson('put', path, options),
  patch: <P extends PathsWith<'patch'>>(path: P, options?: CallOptions<Operation<P, 'patch'>>) => callJson('patch', path, options),
  delete: <P extends PathsWith<'delete'>>(path: P, options?: CallOptions<Operation<P, 'delete'>>) => callJson('delete', path, options),

  /**
   * A document as bytes and their text, decoded with the charset the service declared (a windows-1251 integration's
   * documents are windows-1251: `Response.text()` would read them as UTF-8).
   */
  async document<P extends PathsWith<'get'>>(path: P, options?: CallOptions<Operation<P, 'get'>>): Promise<{ bytes: ArrayBuffer; text: string; contentType: string }> {
    const response = await send('get', urlOf(path, options?.params, options?.query), undefined, 'application/xml')
    const contentType = response.headers.get('content-type') ?? 'application/xml'
    const charset = /charset=([^;]+)/i.exec(contentType)?.[1]?.trim() ?? 'utf-8'
    const bytes = await response.arrayBuffer()
    return { bytes, text: new TextDecoder(charset).decode(bytes), contentType }
  },
}
