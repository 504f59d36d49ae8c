// The partners' names by id, read once per page, for lists that show a partner by its id.

import { computed } from 'vue'
import { fetchAll } from '@/shared/api'
import { useResource } from '@/shared/composables/useResource'
import { partnersApi } from './api'

export function usePartnerNames() {
  const { data } = useResource(() => fetchAll((page) => partnersApi.list(null, page), 200), { keepOnError: true })
  const byId = computed(() => new Map((data.value ?? []).map((p) => [p.id, p.name])))
  /** The partner's name, or #id until the list is read. */
  const partnerName = (id: number | null | undefined) => (id == null ? '' : (byId.value.get(id) ?? `#${id}`))
  return { partnerName }
}
