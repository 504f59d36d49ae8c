// The signed-in staff user and what they may do, shared by the router guard, the layout and the
// pages. Pages ask can('customers:write'); the scopes come from GET /api/v1/me.

import { reactive, readonly } from 'vue'
import { ApiError, setCsrfToken } from '@/shared/api'
import { authApi } from '@/features/auth/api'
import type { User } from '@/features/auth/types'

interface SessionState {
  /** True once we asked the server whether a session exists. */
  checked: boolean
  user: User | null
  auth: 'session' | 'api_key' | null
  scopes: string[]
}

const state = reactive<SessionState>({ checked: false, user: null, auth: null, scopes: [] })

export const session = readonly(state)

/** Whether the user holds the scope (any one of a list); with none given, whether someone is signed in. */
export function can(scope?: string | readonly string[]): boolean {
  if (state.user === null) return false
  if (scope === undefined) return true
  return (typeof scope === 'string' ? [scope] : scope).some((s) => state.scopes.includes(s))
}

async function readMe(): Promise<void> {
  const me = await authApi.me()
  state.user = me.user
  state.auth = me.auth
  state.scopes = me.scopes ?? []
  if (me.csrf_token) setCsrfToken(me.csrf_token)
}

/**
 * Asks the server who we are, once. Resolves to the user, or null when nobody is
 * signed in. Other errors (network, 5xx) propagate.
 */
export async function ensureSession(): Promise<User | null> {
  if (state.checked) return state.user
  try {
    await readMe()
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e
    clearSession()
  }
  state.checked = true
  return state.user
}

/** Signs in, then reads the session's scopes; throws ApiError with the server's message on failure. */
export async function login(email: string, password: string): Promise<User> {
  const res = await authApi.login(email, password)
  state.user = res.user
  state.auth = 'session'
  state.checked = true
  setCsrfToken(res.csrf_token)
  try {
    await readMe()
  } catch {
    // The scopes stay empty until the next page load; the sign-in itself succeeded.
  }
  return res.user
}

/** Signs out on the server (best effort) and forgets the user locally. */
export async function logout(): Promise<void> {
  try {
    await authApi.logout()
  } catch {
    // The local session is dropped either way; an expired session is already logged out.
  }
  clearSession()
  state.checked = true
}

/** Forgets the user without asking the server, e.g. after a 401. */
export function clearSession(): void {
  state.user = null
  state.auth = null
  state.scopes = []
  setCsrfToken(null)
}
