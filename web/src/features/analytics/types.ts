// Shapes of the analytics JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Money is integer minor units; times are unix milliseconds.

export type {
  ChurnRisk,
  ClvDistribution,
  Cohort,
  CohortReport,
  CustomerScores,
  GroupFigures,
  JobState,
  ParetoReport,
  Profile7P,
  RfmReport,
  TiersReport,
  Window,
} from '@/api/types'
import type { ChurnRisk } from '@/api/types'

export type Tier = ChurnRisk['tier']
export type Segment = ChurnRisk['segment']

export const TIERS: readonly Tier[] = ['very_loyal', 'loyal', 'occasional']

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
