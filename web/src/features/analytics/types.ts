// Shapes of the analytics JSON of the API (written by hand until the OpenAPI document describes them).
// Money is integer minor units; times are unix milliseconds.

export type Tier = 'very_loyal' | 'loyal' | 'occasional'

export const TIERS: readonly Tier[] = ['very_loyal', 'loyal', 'occasional']

export type Segment =
  | 'champions'
  | 'loyal'
  | 'potential'
  | 'new'
  | 'promising'
  | 'need_attention'
  | 'at_risk'
  | 'cant_lose'
  | 'hibernating'
  | 'lost'

export const SEGMENTS: readonly Segment[] = [
  'champions',
  'loyal',
  'potential',
  'new',
  'promising',
  'need_attention',
  'at_risk',
  'cant_lose',
  'hibernating',
  'lost',
]

export interface JobState {
  state: 'idle' | 'queued' | 'running'
  claimed_by: string
  started_at: number | null
  finished_at: number | null
  last_status: '' | 'ok' | 'failed'
  last_error: string
  model_id: number | null
  timings: Record<string, number>
}

export interface ParetoReport {
  customers: number
  revenue: number
  top20_share: number
  gini: number
  as_of: number | null
  lorenz: [number, number][]
}

export interface GroupFigures {
  customers: number
  revenue: number
}

export interface RfmReport {
  customers: number
  segments: Record<Segment, GroupFigures>
  /** grid[r - 1][f - 1]: customers with recency score r and frequency score f. */
  grid: number[][]
}

export interface TiersReport {
  customers: number
  revenue: number
  tiers: Record<Tier, GroupFigures>
}

export interface BgNbdParams {
  r: number
  alpha: number
  a: number
  b: number
  log_likelihood: number
  customers: number
  groups?: number
  method?: string
}

export interface GammaGammaParams {
  p: number
  q: number
  gamma: number
  customers: number
  log_likelihood?: number
}

export interface HoldoutGroup {
  frequency: string
  customers: number
  actual: number
  predicted: number
  actual_mean: number
  predicted_mean: number
}

export interface HoldoutReport {
  length: number
  period: string
  calibration_end: string
  groups: HoldoutGroup[]
  total: { actual: number; predicted: number }
}

export interface ModelParams {
  period: string
  expected_horizon_days: number
  clv_horizon_days: number
  cuts: { recency: number[]; frequency: number[]; monetary: number[] } | null
  bgnbd: BgNbdParams | null
  bgnbd_error?: string
  gamma_gamma: GammaGammaParams | null
  gamma_gamma_error?: string
}

export interface ClvModel {
  id: number
  as_of: number
  as_of_date: string
  fitted_at: number
  currency: string
  period: string
  customers: number
  orders: number
  log_likelihood: number | null
  params: ModelParams
  holdout: HoldoutReport | null
  timings: Record<string, number> | null
}

export interface ClvDistribution {
  customers: number
  mean: number | null
  median: number | null
  edges: number[]
  counts: number[]
}

export interface Cohort {
  month: string
  customers: number
  retained: number[]
  revenue: number[]
}

export interface CohortReport {
  as_of: number | null
  currency: string
  cohorts: Cohort[]
}

export interface ChurnRisk {
  customer_id: number
  name: string
  email: string
  frequency: number
  monetary: number
  p_alive: number
  clv: number | null
  tier: Tier
  segment: Segment
  last_order_at: number
}

export interface CustomerScores {
  customer_id: number
  scored: boolean
  recency_days?: number
  frequency?: number
  monetary?: number
  r?: number
  f?: number
  m?: number
  segment?: Segment
  tier?: Tier
  p_alive?: number | null
  expected_orders_90d?: number | null
  expected_avg_value?: number | null
  clv?: number | null
  computed_at?: number
  source?: 'recompute' | 'incremental'
}

export interface Window {
  orders: number
  revenue: number
  average_order_value: number | null
}

export interface Profile7P {
  customer_id: number
  currency: string
  other_currency_orders: number
  cancelled_orders: number
  profiling: {
    type: string
    city: string
    country: string
    company: string
    source: string
    channel: string
    age_band: string | null
    age: number | null
    customer_days: number
    first_order_at: number | null
  }
  persistency: {
    tenure_days: number
    orders: number
    repeat_rate: number
    orders_per_year: number
    tier: Tier | null
    segment: Segment | null
    last_order_at: number | null
    days_since_last_order: number | null
  }
  profitability: {
    revenue: number
    cost_of_goods: number
    cost_coverage: number
    refunds: number
    gross_profit: number
    margin: number | null
  }
  performance: {
    recent: Window
    previous: Window
    revenue_change: number | null
    order_change: number | null
    aov_change: number | null
    revenue_slope: number
    order_slope: number
    monthly_revenue: number[]
    monthly_orders: number[]
    trend: 'growing' | 'stable' | 'declining' | 'new' | 'inactive'
  }
  prospecting: {
    scored: boolean
    p_alive: number | null
    expected_orders_90d: number | null
    expected_avg_value: number | null
    clv: number | null
    computed_at: number | null
  }
  product: {
    categories: {
      category_id: number | null
      name: string
      quantity: number
      revenue: number
      revenue_share: number
      quantity_share: number
    }[]
    distinct_categories: number
  }
  promotion: {
    discounted_orders: number
    discounted_share: number
    discount_total: number
    average_discount_rate: number | null
    campaign_response: { available: boolean; reason: string }
  }
}
