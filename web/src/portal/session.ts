// The signed-in customer, shared by the portal's router guard, layout and pages.

import { reactive, readonly } from 'vue'
import { ApiError } from '@/shared/api'
import { portalApi } from './api'
import type { Profile } from './types'

const state = reactive<{ checked: boolean; profile: Profile | null }>({ checked: false, profile: null })

export const portalSession = readonly(state)

/** Asks the server once whether a portal session exists; resolves to the customer or null. */
export async function ensurePortalSession(): Promise<Profile | null> {
  if (state.checked) return state.profile as Profile | null
  try {
    state.profile = await portalApi.me(true)
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error
    state.profile = null
  }
  state.checked = true
  return state.profile as Profile | null
}

export function setProfile(profile: Profile | null): void {
  state.profile = profile
  state.checked = true
}
