// Small helpers shared by the customer pages.

import type { Customer } from '@/features/customers/types'

/** What to call a customer in a list: the name, else the e-mail or phone, else the number. */
export function customerLabel(c: Pick<Customer, 'id' | 'name' | 'email' | 'phone'>): string {
  return c.name || c.email || c.phone || `#${c.id}`
}

/** The tag type Element Plus should use for a customer type. */
export function customerTypeTag(type: string): 'primary' | 'success' | 'warning' | 'info' | 'danger' {
  switch (type) {
    case 'business':
      return 'primary'
    case 'education':
      return 'success'
    case 'government':
      return 'warning'
    default:
      return 'info'
  }
}
