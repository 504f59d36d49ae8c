// Shapes of the visitor tracking and traffic JSON of the API (written by hand until the OpenAPI document describes them).
// Times are unix milliseconds (UTC).

export interface WriteKey {
  id: number
  key: string
  name: string
  created_by: string
  created_at: number
  revoked_at: number | null
  active: boolean
}

export interface TrackedEvent {
  id: number
  event_id: string
  type: string
  visitor_id: number
  anonymous_id: string
  customer_id: number | null
  session_id: number | null
  ts: number
  received_at: number
  product: string | null
  quantity: number | null
  value: number | null
  currency: string | null
  properties: Record<string, unknown>
}

export interface LivePage {
  items: TrackedEvent[]
  cursor: number
}

export interface NamedCount {
  name: string
  count: number
}

export interface TrafficOverview {
  from: number
  to: number
  visitors: number
  identified: number
  anonymous: number
  identified_share: number
  sessions: number
  page_views: number
  purchasing_sessions: number
  avg_session_seconds: number
  days: { day: number; visitors: number; identified: number; sessions: number }[]
  devices: NamedCount[]
  referrers: NamedCount[]
  campaigns: NamedCount[]
  event_types: NamedCount[]
}

export interface Funnel {
  from: number
  to: number
  steps: { step: string; visitors: number; drop_off: number }[]
  conversion: number
}

export interface Abandonment {
  from: number
  to: number
  bucket_ms: number
  abandon_after_ms: number
  abandoned: number
  purchased: number
  rate: number
  lost_value: Record<string, number>
  buckets: { start: number; abandoned: number; purchased: number; rate: number; lost_value: Record<string, number> }[]
}

export interface ProductTraffic {
  product: string
  name: string
  views: number
  viewers: number
  carts: number
  buyers: number
  units: number
  browse_to_buy: number
}

export interface CartItem {
  product: string
  name: string
  quantity: number
  price: number
}

export interface TrackedCart {
  id: number
  visitor_id: number
  anonymous_id: string
  customer_id: number | null
  customer_name: string
  status: 'open' | 'abandoned' | 'purchased'
  items: CartItem[]
  item_count: number
  value: number
  currency: string
  checkout_step: number
  created_at: number
  updated_at: number
  closed_at: number | null
  order_ref: string
  recovered_from: number | null
}

/** A time window in unix milliseconds, [from, to). */
export interface TrafficWindow {
  from: number
  to: number
}
