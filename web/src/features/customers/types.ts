// Shapes of the customers JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type {
  Anniversary,
  Consent,
  CurrencyRevenueSummary,
  Customer,
  CustomerSummary,
  DuplicatePair,
  FavouriteCategory,
  Merge,
  MergeChange,
  MergeOutcome,
  MergeSnapshot,
  TimelineEntry,
} from '@/api/types'
import type { Anniversary, Customer } from '@/api/types'

export type CustomerType = Customer['type']
export type Gender = NonNullable<Customer['gender']>

export const CUSTOMER_TYPES: readonly CustomerType[] = ['home', 'business', 'education', 'government', 'other']

export const GENDERS: readonly Gender[] = ['female', 'male', 'other']

export type ConsentChannel = 'email' | 'sms' | 'phone'

export const CONSENT_CHANNELS: readonly ConsentChannel[] = ['email', 'sms', 'phone']

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
