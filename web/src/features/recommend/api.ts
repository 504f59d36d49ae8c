// Recommendations: one function per API route.

import { http } from '@/shared/api'
import type {
  Bundle,
  CustomerRecommendations,
  RebuildState,
  RelatedKind,
  RelatedList,
  RulePage,
  RuleQuery,
} from '@/features/recommend/types'

export const recommendApi = {
  customer: (id: number, limit = 10) => http.get<CustomerRecommendations>(`/customers/${id}/recommendations`, { query: { limit } }),
  related: (id: number, kind: RelatedKind, limit = 10) => http.get<RelatedList>(`/products/${id}/related`, { query: { kind, limit } }),
  bundle: (id: number) => http.get<Bundle>(`/products/${id}/bundle`),
  rules: (query: RuleQuery) => http.get<RulePage>('/recommendations/rules', { query: { ...query } }),
  state: () => http.get<RebuildState>('/recommendations/rebuild'),
  rebuild: () => http.post<RebuildState>('/recommendations/rebuild', {}, { quiet: true }),
}
