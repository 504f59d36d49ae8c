// Shapes of the catalog JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type { Category, Product, ProductInput, ProductSales } from '@/api/types'
export type {
  ChosenOption,
  ConfigurationProblem,
  ConfigurationQuote,
  ConfigureRequest,
  OptionGroup,
  OptionRule,
  ProductConfiguration,
  ProductConfigurationInput,
  ProductOption,
} from '@/api/types'
import type { Product } from '@/api/types'

export type PriceTier = Product['price_tier']

export const PRICE_TIERS: readonly PriceTier[] = ['budget', 'mid', 'premium']

export interface ProductFilter {
  q?: string
  category?: number | null
  active?: boolean | null
  tier?: PriceTier | ''
}
