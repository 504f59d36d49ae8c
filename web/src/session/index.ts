// The signed-in staff user, shared by the router guard, the layout and the pages.

import { reactive, readonly } from 'vue'
import { api } from '@/api'
import { ApiError, setCsrfToken } from '@/api/client'
import type { Role, User } from '@/api/types'

interface SessionState {
  /** True once we asked the server whether a session exists. */
  checked: boolean
  user: User | null
  auth: 'session' | 'api_key' | null
}

const state = reactive<SessionState>({ checked: false, user: null, auth: null })

export const session = readonly(state)

export function hasRole(...roles: Role[]): boolean {
  return state.user !== null && roles.includes(state.user.role)
}

/**
 * Asks the server who we are, once. Resolves to the user, or null when nobody is
 * signed in. Other errors (network, 5xx) propagate.
 */
export async function ensureSession(): Promise<User | null> {
  if (state.checked) return state.user
  try {
    const me = await api.me()
    state.user = me.user
    state.auth = me.auth
    setCsrfToken(me.csrf_token)
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e
    clearSession()
  }
  state.checked = true
  return state.user
}

/** Signs in; throws ApiError with the server's message on failure. */
export async function login(email: string, password: string): Promise<User> {
  const res = await api.login(email, password)
  state.user = res.user
  state.auth = 'session'
  state.checked = true
  setCsrfToken(res.csrf_token)
  return res.user
}

/** Signs out on the server (best effort) and forgets the user locally. */
export async function logout(): Promise<void> {
  try {
    await api.logout()
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
  setCsrfToken(null)
}
