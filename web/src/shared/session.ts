// The signed-in staff user and what they may do, shared by the router guard, the layout and the
// pages. Pages ask can('customers:write'); the scopes come from GET /api/v1/me.

import { reactive, readonly } from 'vue'
import { ApiError, setCsrfToken } from '@/shared/api'
import { authApi } from '@/features/auth/api'
import type { LoginResponse, User } from '@/features/auth/types'

interface SessionState {
  /** True once we asked the server whether a session exists. */
  checked: boolean
  user: User | null
  auth: 'session' | 'api_key' | null
  scopes: string[]
  /** The role asks for two-factor sign-in and it is not set up: only the Security page works. */
  twoFactorEnrolmentRequired: boolean
}

const state = reactive<SessionState>({ checked: false, user: null, auth: null, scopes: [], twoFactorEnrolmentRequired: false })

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
  state.twoFactorEnrolmentRequired = me.two_factor_enrolment_required ?? false
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

/** What a sign-in step answered: signed in, or a code is needed with this token. */
export type SignIn = { done: true; user: User } | { done: false; token: string }

/**
 * Signs in with the password. When the account has two-factor sign-in the answer carries the
 * token for completeTwoFactor() instead; throws ApiError with the server's message on failure.
 */
export async function login(email: string, password: string): Promise<SignIn> {
  const res = await authApi.login(email, password)
  if (res.two_factor_required && res.two_factor_token) return { done: false, token: res.two_factor_token }
  return { done: true, user: await signedIn(res) }
}

/** The second step: a code of the authenticator app or a recovery code. */
export async function completeTwoFactor(token: string, code: string): Promise<User> {
  return signedIn(await authApi.loginTwoFactor(token, code))
}

/** Reads the session's state again, e.g. after two-factor sign-in was set up. */
export async function refreshSession(): Promise<void> {
  await readMe()
}

async function signedIn(res: LoginResponse): Promise<User> {
  state.user = res.user
  state.auth = 'session'
  state.checked = true
  state.twoFactorEnrolmentRequired = res.two_factor_enrolment_required ?? false
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
  state.twoFactorEnrolmentRequired = false
  setCsrfToken(null)
}
