// Names of customers shown next to their ids (orders list, order page), fetched once each.

import { reactive } from 'vue'
import { customerLabel } from '@/features/customers/utils'
import { customersApi } from '@/features/customers/api'

const names = reactive(new Map<number, string>())
const pending = new Set<number>()

/** Fetches the names of the given customers that are not known yet (a few at a time). */
export async function loadCustomerNames(ids: Iterable<number>): Promise<void> {
  const wanted = [...new Set(ids)].filter((id) => !names.has(id) && !pending.has(id))
  for (const id of wanted) pending.add(id)
  const workers = Array.from({ length: Math.min(4, wanted.length) }, async (_, worker) => {
    for (let i = worker; i < wanted.length; i += 4) {
      const id = wanted[i]!
      try {
        names.set(id, customerLabel(await customersApi.getCustomer(id, true)))
      } catch {
        // unknown or not allowed: the id is shown instead
      } finally {
        pending.delete(id)
      }
    }
  })
  await Promise.all(workers)
}

/** The customer's name if known, else "#id". */
export function customerName(id: number): string {
  return names.get(id) ?? `#${id}`
}
