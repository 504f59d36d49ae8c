// Shapes of the customers JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type {
  Anniversary,
  Consent,
  CurrencyRevenueSummary,
  Customer,
  CustomerInput,
  CustomerSummary,
  DuplicatePair,
  FavouriteCategory,
  Merge,
  MergeChange,
  MergeOutcome,
  MergeSnapshot,
  TimelineEntry,
} from '@/api/types'
import type { Customer, DuplicatePair } from '@/api/types'

export type DuplicateReason = DuplicatePair['reasons'][number]
export type ConsentChannel = keyof Customer['consent']

export type CustomerType = Customer['type']
export type Gender = NonNullable<Customer['gender']>

export const CUSTOMER_TYPES: readonly CustomerType[] = ['home', 'business', 'education', 'government', 'other']

export const GENDERS: readonly Gender[] = ['female', 'male', 'other']

export const CONSENT_CHANNELS: readonly ConsentChannel[] = ['email', 'sms', 'phone']

/** A consent change as the API takes it: null clears the decision ("never asked"). */
export type ConsentInput = { granted: boolean; at?: number; how?: string } | null

export interface CustomerFilter {
  q?: string
  type?: CustomerType | ''
  tag?: string
  city?: string
  created_from?: number | null
  created_to?: number | null
}
