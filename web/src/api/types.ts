// Shapes of the JSON the ecrm API returns under /api/v1. Times are unix milliseconds (UTC).

export type Role = 'admin' | 'marketing' | 'sales' | 'service' | 'analyst'

export const ROLES: readonly Role[] = ['admin', 'marketing', 'sales', 'service', 'analyst']

export interface User {
  id: number
  email: string
  name: string
  role: Role
}

export interface UserRecord extends User {
  disabled: boolean
  created_at: number
  last_login_at: number | null
}

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export interface LoginResponse {
  user: User
  csrf_token: string
}

export interface MeResponse {
  user: User
  auth: 'session' | 'api_key'
  csrf_token?: string
  scopes?: string[]
}

export interface SystemInfo {
  version: string
  database: string
  started_at: number
  uptime_s: number
  users: number
  api_keys: number
  requests_total: number
  requests_by_status: Record<string, number>
}

export interface CreateUserRequest {
  email: string
  role: Role
  name?: string
  password?: string
}

export interface CreateUserResponse {
  user: UserRecord
  password?: string
}

export interface UpdateUserRequest {
  role?: Role
  name?: string
  disabled?: boolean
  password?: string
}

export interface ApiKey {
  id: number
  name: string
  scopes: string[]
  prefix: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
  user_id: number
}

export interface CreatedApiKey {
  id: number
  key: string
  name: string
  scopes: string[]
  prefix: string
}

export interface ScopeInfo {
  scope: string
  description: string
}

export interface AuditEntry {
  id: number
  at: number
  actor: string | null
  actor_id: number | null
  actor_type: 'user' | 'api_key' | 'system' | 'anonymous'
  action: string
  entity: string | null
  entity_id: string | null
  status: number
  ip: string | null
  details: Record<string, unknown> | null
}

export interface ErrorBody {
  error: {
    code: string
    message: string
    field?: string
  }
}

// --- Visitor tracking and traffic ---

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
