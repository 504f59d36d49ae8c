// The signed-in partner user, shared by the partner portal's router guard, layout and pages.

import { reactive, readonly } from 'vue'
import { ApiError } from '@/shared/api'
import { partnerApi } from './api'
import type { PartnerMe } from './types'

const state = reactive<{ checked: boolean; me: PartnerMe | null }>({ checked: false, me: null })

export const partnerSession = readonly(state)

/** Asks the server once whether a partner session exists; resolves to the user or null. */
export async function ensurePartnerSession(): Promise<PartnerMe | null> {
  if (state.checked) return state.me as PartnerMe | null
  try {
    state.me = await partnerApi.me(true)
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error
    state.me = null
  }
  state.checked = true
  return state.me as PartnerMe | null
}

export function setMe(me: PartnerMe | null): void {
  state.me = me
  state.checked = true
}

/** Whether the signed-in user may change the partner's products (partner admins). */
export function isPartnerAdmin(): boolean {
  return state.me?.user.role === 'partner_admin'
}
