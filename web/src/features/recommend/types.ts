// Shapes of the recommendations JSON of the API (written by hand until the OpenAPI document describes them).
// Money is integer minor units; times are unix milliseconds.

export type ReasonKind = 'rule' | 'also_bought' | 'class' | 'popular' | 'replenish' | 'newer_version' | 'higher_tier'

export interface ProductRef {
  product_id?: number
  id?: number
  sku: string
  name: string
}

export interface Reason {
  kind: ReasonKind
  text: string
  count?: number
  antecedent?: ProductRef[]
  support?: number
  confidence?: number
  lift?: number
  seed?: ProductRef
  similarity?: number
  class?: string
  class_name?: string
  evidence?: ProductRef
  category?: string
  last_purchase_at?: number
  interval_days?: number
}

export interface RecommendedItem {
  product_id: number
  sku: string
  name: string
  price: number
  currency: string
  score: number
  reason: Reason
}

export interface CustomerClass {
  class: string
  name: string
  kind: 'tier' | 'tag'
  evidence: (ProductRef & { category: string })[]
}

export interface CustomerRecommendations {
  customer_id: number
  build_id: number | null
  computed_at: number | null
  source: 'rebuild' | 'incremental' | 'popular' | 'none'
  classes: CustomerClass[]
  items: RecommendedItem[]
}

export type RelatedKind = 'bought_together' | 'also_bought' | 'upsell'

export interface RelatedItem extends RecommendedItem {
  price_tier: string
  category: string
  line: string
  version: number
}

export interface RelatedList {
  product_id: number
  kind: RelatedKind
  build_id: number | null
  items: RelatedItem[]
}

export interface Bundle {
  product: RelatedItem
  items: RelatedItem[]
  currency: string
  total: number
  bundle_price: number
  discount: number
  discount_rate: number
  explanation: string
}

export interface Build {
  id: number
  as_of: number
  built_at: number
  orders: number
  customers: number
  products: number
  lines: number
  views: number
  rules: number
  neighbours: number
  lists: number
  params: Record<string, unknown>
  timings: Record<string, number>
}

export interface RebuildState {
  state: 'idle' | 'queued' | 'running'
  claimed_by: string
  started_at: number | null
  finished_at: number | null
  last_status: '' | 'ok' | 'failed'
  last_error: string
  build_id: number | null
  build: Build | null
}

export interface RuleItem {
  position: number
  antecedent: { id: number; sku: string; name: string }[]
  consequent: { id: number; sku: string; name: string }
  support: number
  confidence: number
  lift: number
  count: number
  antecedent_count: number
  consequent_count: number
}

export interface RulePage {
  build: Build | null
  items: RuleItem[]
  next_cursor: string | null
}

export interface RuleQuery {
  min_support?: number
  min_confidence?: number
  min_lift?: number
  product_id?: number
  limit?: number
  cursor?: string | null
}
