// Shapes of the orders JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type {
  NewReturnRequest,
  Order,
  OrderDetail,
  OrderLine,
  OrderReturn,
  ReturnLine,
  StatusChange,
  StatusChangeRequest,
} from '@/api/types'
import type { Order, OrderReturn } from '@/api/types'

export type OrderStatus = Order['status']
export type OrderChannel = Order['channel']
export type ReturnStatus = OrderReturn['status']
export type ReturnReason = OrderReturn['reason']

export const ORDER_STATUSES: readonly OrderStatus[] = ['placed', 'paid', 'shipped', 'delivered', 'returned', 'cancelled']

export const ORDER_CHANNELS: readonly OrderChannel[] = ['web', 'app', 'phone', 'store', 'partner']

export interface OrderFilter {
  status?: OrderStatus | ''
  channel?: OrderChannel | ''
  customer?: number | null
  placed_from?: number | null
  placed_to?: number | null
}

export const RETURN_REASONS: readonly ReturnReason[] = [
  'damaged',
  'defective',
  'wrong_item',
  'not_as_described',
  'no_longer_needed',
  'other',
]

/** Where a return may go next (the server refuses anything else with 409). */
export const RETURN_NEXT: Record<ReturnStatus, ReturnStatus[]> = {
  requested: ['received', 'refunded', 'rejected'],
  received: ['refunded', 'rejected'],
  refunded: [],
  rejected: [],
}
