// A signed-in API client for setting up test data (customers, products, orders) over HTTP,
// the way the shop's systems would, before the browser looks at it.

import assert from 'node:assert/strict'

/** Signs in with the given account and returns get/post/patch/put/del helpers that fail on errors. */
export async function apiSession(baseUrl, email, password) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  assert.equal(login.status, 200, 'the test account can sign in')
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const { csrf_token: csrf } = await login.json()

  async function call(method, path, body, expected) {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        Cookie: cookie,
        Accept: 'application/json',
        ...(method === 'GET' ? {} : { 'X-CSRF-Token': csrf }),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (expected !== undefined && response.status !== expected) {
      throw new Error(`${method} ${path}: expected ${expected}, got ${response.status}: ${text}`)
    }
    if (expected === undefined && !response.ok) throw new Error(`${method} ${path}: ${response.status}: ${text}`)
    return text ? JSON.parse(text) : undefined
  }

  return {
    get: (path) => call('GET', path),
    post: (path, body, expected) => call('POST', path, body, expected),
    patch: (path, body) => call('PATCH', path, body),
    put: (path, body, expected) => call('PUT', path, body, expected),
    del: (path, expected) => call('DELETE', path, undefined, expected),
  }
}

/** Signs the browser page in through the API (its cookie jar is the browser's). */
export async function signInPage(page, baseUrl, email, password) {
  const response = await page.request.post(`${baseUrl}/api/v1/auth/login`, { data: { email, password } })
  assert.equal(response.status(), 200, 'the browser can sign in')
}

/** A short token that makes this run's records unique on a shared server. */
export function runToken() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`
}
