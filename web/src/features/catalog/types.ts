// Shapes of the catalog JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type { Category, Product, ProductSales } from '@/api/types'
import type { Product } from '@/api/types'

export type PriceTier = Product['price_tier']

export const PRICE_TIERS: readonly PriceTier[] = ['budget', 'mid', 'premium']

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
