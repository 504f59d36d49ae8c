// A small fetch wrapper for the ecrm JSON API.
//
// - Cookies go along (`credentials: 'same-origin'`); the session cookie is HttpOnly.
// - Every request that is not a GET carries the session's CSRF token in `X-CSRF-Token`.
// - Error bodies (`{"error":{"code","message","field"}}`) become an ApiError; unless the
//   caller asks for `quiet`, the server's message is shown to the user.
// - A 401 on any request except those marked `quiet` calls the unauthorized handler,
//   which the app uses to send the user to the login page.

import { ElMessage } from '@/shared/feedback'
import type { ErrorBody, Page } from '@/api/types'

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
  /** Cancels the request (it then fails as a network error). */
  signal?: AbortSignal
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
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: options.signal }
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

export interface UploadOptions {
  query?: Record<string, QueryValue>
  /** Called as the body goes out, with the bytes sent so far and the total. */
  onProgress?: (loaded: number, total: number) => void
  quiet?: boolean
}

/**
 * Sends a file as the raw request body (`POST /api/v1{path}`), reporting upload progress,
 * and returns the parsed JSON answer. fetch() cannot report upload progress, hence XHR.
 */
export function upload<T>(path: string, file: Blob, contentType: string, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', buildUrl(path, options.query))
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('Content-Type', contentType)
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken)
    xhr.upload.onprogress = (event) => {
      if (options.onProgress) options.onProgress(event.loaded, event.lengthComputable ? event.total : file.size)
    }
    const fail = (error: ApiError) => {
      if (!options.quiet) {
        if (error.status === 401 && unauthorizedHandler) unauthorizedHandler()
        else ElMessage.error(error.message)
      }
      reject(error)
    }
    xhr.onerror = () => fail(new ApiError(0, 'network_error', errorText('network')))
    xhr.onload = () => {
      let body: unknown = undefined
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined
      } catch {
        body = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(file.size, file.size)
        resolve(body as T)
        return
      }
      const err = (body as Partial<ErrorBody> | undefined)?.error
      fail(
        err && typeof err.message === 'string'
          ? new ApiError(xhr.status, err.code ?? 'error', err.message, err.field)
          : new ApiError(xhr.status, 'http_' + xhr.status, errorText('unexpected', xhr.status)),
      )
    }
    xhr.send(file)
  })
}

/** The file name a Content-Disposition header asks for, if any. */
function dispositionFilename(header: string | null): string | null {
  if (!header) return null
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      // fall back to the plain form
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header)
  return plain?.[1] ?? null
}

/** Hands a Blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  document.body.removeChild(link)
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/**
 * Fetches `GET /api/v1{path}` and saves the answer as a file (the server's file name when it
 * gives one). Errors are shown like those of any other request. For small documents: the
 * whole answer is held in memory.
 */
export async function download(path: string, fallbackName: string): Promise<void> {
  let response: Response
  try {
    response = await fetch(buildUrl(path), { credentials: 'same-origin' })
  } catch {
    const error = new ApiError(0, 'network_error', errorText('network'))
    ElMessage.error(error.message)
    throw error
  }
  if (!response.ok) {
    const error = await parseError(response)
    if (response.status === 401 && unauthorizedHandler) unauthorizedHandler()
    else ElMessage.error(error.message)
    throw error
  }
  const blob = await response.blob()
  saveBlob(blob, dispositionFilename(response.headers.get('Content-Disposition')) ?? fallbackName)
}

/** The address of an API route, for links the browser follows itself (streamed downloads). */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  return buildUrl(path, query)
}

export const http = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  del: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
}

export interface PageQuery {
  limit?: number
  cursor?: string | null
}

/** Reads every page of a list (for small lists such as the category tree). */
export async function fetchAll<T>(list: (page: PageQuery) => Promise<Page<T>>, limit = 1000): Promise<T[]> {
  const out: T[] = []
  let cursor: string | null = null
  for (;;) {
    const page: Page<T> = await list({ limit, cursor })
    out.push(...page.items)
    if (!page.next_cursor || page.items.length === 0) return out
    cursor = page.next_cursor
  }
}
