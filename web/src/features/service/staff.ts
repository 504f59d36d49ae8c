// Names of staff users shown as assignees. The signed-in user is "me"; the others are named when
// the user may list staff (users:admin), else shown by number.

import { reactive, ref } from 'vue'
import { i18n } from '@/shared/i18n'
import { can, session } from '@/shared/session'
import { settingsApi } from '@/features/settings/api'

const names = reactive(new Map<number, string>())
const loaded = ref(false)

/** Staff users that may be offered as assignees (besides "me"); empty without users:admin. */
export const staff = ref<{ id: number; name: string }[]>([])

/** Reads the staff list once, when allowed. */
export async function loadStaff(): Promise<void> {
  if (loaded.value || !can('users:admin')) return
  loaded.value = true
  try {
    const page = await settingsApi.listUsers({ limit: 200 })
    staff.value = page.items.filter((u) => !u.disabled).map((u) => ({ id: u.id, name: u.name || u.email }))
    for (const u of page.items) names.set(u.id, u.name || u.email)
  } catch {
    loaded.value = false
  }
}

export function myId(): number | null {
  return session.user?.id ?? null
}

/** "Me", the user's name when known, else "#id"; "Unassigned" for none. */
export function assigneeName(id: number | null | undefined): string {
  const t = i18n.global.t as (key: string) => string
  if (id === null || id === undefined) return t('service.inbox.unassigned')
  if (id === myId()) return t('service.inbox.me')
  return names.get(id) ?? `#${id}`
}
