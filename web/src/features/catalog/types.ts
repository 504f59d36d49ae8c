// Shapes of the catalog JSON of the API (written by hand until the OpenAPI document describes them).
// Times are unix milliseconds (UTC).

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
