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

// --- customers ---

export type CustomerType = 'home' | 'business' | 'education' | 'government' | 'other'
export const CUSTOMER_TYPES: readonly CustomerType[] = ['home', 'business', 'education', 'government', 'other']

export type Gender = 'female' | 'male' | 'other'
export const GENDERS: readonly Gender[] = ['female', 'male', 'other']

export type ConsentChannel = 'email' | 'sms' | 'phone'
export const CONSENT_CHANNELS: readonly ConsentChannel[] = ['email', 'sms', 'phone']

/** A consent decision: granted true/false, or null when the customer was never asked. */
export interface Consent {
  granted: boolean | null
  at: number | null
  how: string
}

export interface Anniversary {
  kind: string
  /** YYYY-MM-DD */
  date: string
  label: string
}

export interface Customer {
  id: number
  external_id: string | null
  name: string
  email: string | null
  phone: string | null
  /** YYYY-MM-DD */
  birthday: string | null
  anniversaries: Anniversary[]
  gender: Gender | null
  city: string
  country: string
  language: string
  type: CustomerType
  company: string
  employee_count: number | null
  source: string
  channel: string
  referred_by: number | null
  tags: string[]
  attributes: Record<string, unknown>
  consent: Record<ConsentChannel, Consent>
  merged_into: number | null
  erased_at: number | null
  created_at: number
  updated_at: number
}

/** A consent change as the API takes it: null clears the decision ("never asked"). */
export type ConsentInput = { granted: boolean; at?: number; how?: string } | null

/** Fields of a create or update; null or "" clears a field on update. */
export interface CustomerInput {
  external_id?: string | null
  name?: string | null
  email?: string | null
  phone?: string | null
  birthday?: string | null
  gender?: Gender | null
  city?: string | null
  country?: string | null
  language?: string | null
  type?: CustomerType | null
  company?: string | null
  employee_count?: number | null
  source?: string | null
  channel?: string | null
  referred_by?: number | null
  tags?: string[] | null
  anniversaries?: Anniversary[] | null
  attributes?: Record<string, unknown> | null
  consent?: Partial<Record<ConsentChannel, ConsentInput>>
}

export interface CustomerFilter {
  q?: string
  type?: CustomerType | ''
  tag?: string
  city?: string
  created_from?: number | null
  created_to?: number | null
}

export type DuplicateReason = 'email' | 'phone' | 'name_city'

export interface DuplicatePair {
  a: Customer
  b: Customer
  reasons: DuplicateReason[]
}

export interface MergeChange {
  field: string
  before: unknown
  after: unknown
}

export interface MergeSnapshot {
  changes?: MergeChange[]
  tags_added?: string[]
  anniversaries_added?: Anniversary[]
  referrals?: number[]
  records?: Record<string, number[]>
  merged?: Customer
}

export interface Merge {
  id: number
  survivor_id: number
  merged_id: number
  merged_at: number
  merged_by: string
  undone_at: number | null
  /** True once either customer was erased: the merge can no longer be undone. */
  snapshot_erased: boolean
  snapshot?: MergeSnapshot | null
}

export interface MergeOutcome {
  merge: Merge
  survivor: Customer
  merged: Customer
}

export interface TimelineEntry {
  at: number
  kind: string
  summary: string
  source: string
  id: number
  data: Record<string, unknown>
}

export interface CurrencyRevenueSummary {
  currency: string
  orders: number
  revenue: number
  average_order_value: number
}

export interface FavouriteCategory {
  category_id: number
  name: string
  quantity: number
  revenue: number
}

export interface CustomerSummary {
  customer_id: number
  order_count: number
  /** Minor units of `currency` (the currency with the most orders), net of refunds. */
  lifetime_revenue: number
  currency: string | null
  average_order_value: number | null
  first_order_at: number | null
  last_order_at: number | null
  returns: number
  revenue_by_currency: CurrencyRevenueSummary[]
  favourite_categories: FavouriteCategory[]
}

// --- catalog ---

export interface Category {
  id: number
  parent_id: number | null
  name: string
  slug: string
  created_at: number
  updated_at: number
}

export type PriceTier = 'budget' | 'mid' | 'premium'
export const PRICE_TIERS: readonly PriceTier[] = ['budget', 'mid', 'premium']

export interface Product {
  id: number
  sku: string
  name: string
  category_id: number | null
  brand: string
  /** Minor units of `currency`. */
  price: number
  cost: number | null
  currency: string
  price_tier: PriceTier
  line: string
  version: number
  stock_on_hand: number
  active: boolean
  consumable: boolean
  repurchase_days: number | null
  created_at: number
  updated_at: number
}

/** What a product sold in one currency (orders that are not cancelled). */
export interface ProductSales {
  currency: string
  orders: number
  customers: number
  units: number
  /** Line totals, minor units of `currency`, before returns. */
  revenue: number
  /** Units in returns that were not rejected. */
  returned_units: number
  first_ordered_at: number
  last_ordered_at: number
}

export interface ProductInput {
  sku?: string
  name?: string
  category_id?: number | null
  brand?: string
  price?: number
  cost?: number | null
  currency?: string
  line?: string
  version?: number
  stock_on_hand?: number
  active?: boolean
  consumable?: boolean
  repurchase_days?: number | null
}

export interface ProductFilter {
  q?: string
  category?: number | null
  active?: boolean | null
  tier?: PriceTier | ''
}

// --- orders ---

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

// --- import and export ---

export type ImportEntity = 'customers' | 'products' | 'orders'
export const IMPORT_ENTITIES: readonly ImportEntity[] = ['customers', 'products', 'orders']

export type ImportFormat = 'auto' | 'ecrm' | 'shopify'
export const IMPORT_FORMATS: readonly ImportFormat[] = ['auto', 'ecrm', 'shopify']

export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed'

export interface ImportRowError {
  line: number
  field: string
  message: string
}

export interface ImportJob {
  id: number
  entity: ImportEntity
  format: string
  status: ImportStatus
  /** What a running job is doing, e.g. "validating" or "importing". */
  phase?: string
  dry_run: boolean
  skip_bad: boolean
  file_name?: string
  bytes_total: number
  bytes_done: number
  rows_read: number
  inserted: number
  updated: number
  unchanged: number
  /** Exact count; `errors` holds at most the first 1000. */
  bad_rows: number
  errors: ImportRowError[]
  warnings?: string[]
  message: string
  created_by?: string
  created_at: string | number
  started_at?: string | number | null
  finished_at: string | number | null
}
