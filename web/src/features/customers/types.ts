// Shapes of the customers JSON of the API (written by hand until the OpenAPI document describes them).
// Times are unix milliseconds (UTC).

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
