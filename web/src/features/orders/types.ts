// Shapes of the orders JSON of the API (written by hand until the OpenAPI document describes them).
// Times are unix milliseconds (UTC).

export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'returned' | 'cancelled'

export const ORDER_STATUSES: readonly OrderStatus[] = ['placed', 'paid', 'shipped', 'delivered', 'returned', 'cancelled']

export type OrderChannel = 'web' | 'app' | 'phone' | 'store' | 'partner'

export const ORDER_CHANNELS: readonly OrderChannel[] = ['web', 'app', 'phone', 'store', 'partner']

export interface OrderLine {
  id: number
  product_id: number | null
  sku: string
  name: string
  quantity: number
  unit_price: number
  line_total: number
  returned_quantity: number
}

export interface StatusChange {
  status: OrderStatus
  at: number
  note: string
  carrier: string
  tracking_number: string
  actor: string
}

export interface Order {
  id: number
  external_id: string | null
  customer_id: number
  channel: OrderChannel
  status: OrderStatus
  currency: string
  subtotal: number
  discount: number
  shipping: number
  total: number
  item_count: number
  carrier: string
  tracking_number: string
  placed_at: number
  created_at: number
  updated_at: number
  /** Only on a single order. */
  lines?: OrderLine[]
  history?: StatusChange[]
  next_statuses?: OrderStatus[]
}

export interface OrderFilter {
  status?: OrderStatus | ''
  channel?: OrderChannel | ''
  customer?: number | null
  placed_from?: number | null
  placed_to?: number | null
}

export interface StatusChangeRequest {
  status: OrderStatus
  note?: string
  carrier?: string
  tracking_number?: string
}

export type ReturnStatus = 'requested' | 'received' | 'refunded' | 'rejected'

export type ReturnReason = 'damaged' | 'defective' | 'wrong_item' | 'not_as_described' | 'no_longer_needed' | 'other'

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

export interface ReturnLine {
  id: number
  order_line_id: number
  product_id: number | null
  sku: string
  quantity: number
  amount: number
}

export interface OrderReturn {
  id: number
  order_id: number
  customer_id: number
  status: ReturnStatus
  reason: ReturnReason
  note: string
  refund_amount: number
  currency: string
  created_at: number
  updated_at: number
  lines: ReturnLine[]
}

export interface NewReturnRequest {
  reason: ReturnReason
  note?: string
  lines: { order_line_id: number; quantity: number }[]
}
