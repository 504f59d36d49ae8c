// The signed-in customer on the community's pages (the portal's session) and their community
// profile; null for a visitor.

import { computed, ref } from 'vue'
import { ensurePortalSession, portalSession } from '@/portal/session'
import { customerApi } from '../api'
import type { Member } from '../types'

const member = ref<Member | null>(null)

export function useCustomer() {
  const signedIn = computed(() => portalSession.profile !== null)

  /** Asks once whether the visitor is a signed-in customer; loads their community profile. */
  async function check(): Promise<boolean> {
    const profile = await ensurePortalSession()
    if (!profile) {
      member.value = null
      return false
    }
    if (!member.value) member.value = await customerApi.me()
    return true
  }

  function setMember(value: Member): void {
    member.value = value
  }

  return { signedIn, member, check, setMember }
}
