// Small helpers shared by the order pages.

import type { OrderStatus, ReturnStatus } from '@/features/orders/types'

type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

/** The tag colour of an order status. */
export function orderStatusTag(status: OrderStatus): TagType {
  switch (status) {
    case 'placed':
      return 'info'
    case 'paid':
      return 'primary'
    case 'shipped':
      return 'warning'
    case 'delivered':
      return 'success'
    case 'returned':
    case 'cancelled':
      return 'danger'
  }
  return 'info'
}

/** The tag colour of a return status. */
export function returnStatusTag(status: ReturnStatus): TagType {
  switch (status) {
    case 'requested':
      return 'warning'
    case 'received':
      return 'primary'
    case 'refunded':
      return 'success'
    case 'rejected':
      return 'danger'
  }
  return 'info'
}
