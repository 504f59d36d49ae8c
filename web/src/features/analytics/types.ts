// Shapes of the analytics JSON of the API, generated from the OpenAPI document.
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
import type { components } from '@/api/schema'

type Schemas = components['schemas']

export type Tier = ChurnRisk['tier']
export type Segment = ChurnRisk['segment']

// Every tier and segment the server defines, in its order: a Record over the generated enumeration
// fails to compile when the server adds or drops a member.
const TIER_SET: Record<Tier, true> = { very_loyal: true, loyal: true, occasional: true }
export const TIERS = Object.keys(TIER_SET) as Tier[]

const SEGMENT_SET: Record<Segment, true> = {
  champions: true,
  loyal: true,
  potential: true,
  new: true,
  promising: true,
  need_attention: true,
  at_risk: true,
  cant_lose: true,
  hibernating: true,
  lost: true,
}
export const SEGMENTS = Object.keys(SEGMENT_SET) as Segment[]

export type ClvModel = Schemas['ClvModel']
export type ModelParams = Schemas['ModelParams']
export type BgNbdParams = Schemas['BgNbdModel']
export type GammaGammaParams = Schemas['GammaGammaModel']
export type HoldoutReport = Schemas['HoldoutComparison']
export type HoldoutGroup = Schemas['HoldoutRow']

// Customer economics (GET /analytics/economics) and the cost entries behind it.
export type EconomicsReport = Schemas['EconomicsReport']
export type EconomicsGroup = Schemas['EconomicsGroup']
export type CostEntry = Schemas['CostEntry']
export type CostList = Schemas['CostList']
export type CostImportReport = Schemas['CostImportReport']
export type EconomicsDimension = 'channel' | 'source' | 'campaign'
