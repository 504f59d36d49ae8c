// Shapes of the recommendations JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Money is integer minor units; times are unix milliseconds.

export type {
  Build,
  Bundle,
  CustomerClass,
  CustomerRecommendations,
  ProductRef,
  Reason,
  RebuildState,
  RecommendedItem,
  RelatedItem,
  RelatedList,
  RuleItem,
  RulePage,
} from '@/api/types'
import type { Reason, RelatedList } from '@/api/types'

export type ReasonKind = Reason['kind']
export type RelatedKind = RelatedList['kind']

export interface RuleQuery {
  min_support?: number
  min_confidence?: number
  min_lift?: number
  product_id?: number
  limit?: number
  cursor?: string | null
}
