// A small fetch wrapper for the ecrm JSON API.
//
// - Cookies go along (`credentials: 'same-origin'`); the session cookie is HttpOnly.
// - Every request that is not a GET carries the session's CSRF token in `X-CSRF-Token`.
// - Error bodies (`{"error":{"code","message","field"}}`) become an ApiError; unless the
//   caller asks for `quiet`, the server's message is shown to the user.
// - A 401 on any request except those marked `quiet` calls the unauthorized handler,
//   which the app uses to send the user to the login page.

import { ElMessage } from '@/ui/feedback'
import type { ErrorBody } from './types'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | undefined

  constructor(status: number, code: string, message: string, field?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }
}

export type QueryValue = string | number | boolean | null | undefined

export interface RequestOptions {
  query?: Record<string, QueryValue>
  body?: unknown
  /** Do not show errors to the user and do not treat 401 as "session expired". */
  quiet?: boolean
}

let csrfToken = ''
let unauthorizedHandler: (() => void) | null = null
let errorText: (key: 'network' | 'unexpected', status?: number) => string = (key, status) =>
  key === 'network' ? 'Network error' : `Unexpected response (${status ?? '?'})`

/** Remembers the token that non-GET requests must send back. */
export function setCsrfToken(token: string | undefined | null): void {
  csrfToken = token ?? ''
}

/** Called on a 401 of a request that was not `quiet`. */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler
}

/** Supplies translated texts for errors that have no server message. */
export function setErrorText(fn: typeof errorText): void {
  errorText = fn
}

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const url = `/api/v1${path}`
  if (!query) return url
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    params.set(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${url}?${qs}` : url
}

async function parseError(response: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> | null = null
  try {
    body = (await response.json()) as Partial<ErrorBody>
  } catch {
    body = null
  }
  const err = body?.error
  if (err && typeof err.message === 'string') {
    return new ApiError(response.status, err.code ?? 'error', err.message, err.field)
  }
  return new ApiError(response.status, 'http_' + response.status, errorText('unexpected', response.status))
}

/** Sends one request to `/api/v1{path}` and returns the parsed JSON body (undefined for 204). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  const init: RequestInit = { method, headers, credentials: 'same-origin' }
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(options.body)
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let response: Response
  try {
    response = await fetch(buildUrl(path, options.query), init)
  } catch {
    const error = new ApiError(0, 'network_error', errorText('network'))
    if (!options.quiet) ElMessage.error(error.message)
    throw error
  }

  if (!response.ok) {
    const error = await parseError(response)
    if (!options.quiet) {
      if (response.status === 401 && unauthorizedHandler) {
        unauthorizedHandler()
      } else {
        ElMessage.error(error.message)
      }
    }
    throw error
  }

  if (response.status === 204) return undefined as T
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as T
}

export const http = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  del: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
}
