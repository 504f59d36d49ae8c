// Analytics: one function per API route.

import { http, upload } from '@/shared/api'
import type {
  ChurnRisk,
  ClvDistribution,
  ClvModel,
  CohortReport,
  CostEntry,
  CostImportReport,
  CostList,
  CustomerScores,
  EconomicsDimension,
  EconomicsReport,
  JobState,
  ParetoReport,
  Profile7P,
  RfmReport,
  TiersReport,
} from '@/features/analytics/types'

export const analyticsApi = {
  job: () => http.get<JobState>('/analytics/recompute'),
  recompute: () => http.post<JobState>('/analytics/recompute'),
  pareto: () => http.get<ParetoReport>('/analytics/pareto'),
  rfm: () => http.get<RfmReport>('/analytics/rfm'),
  tiers: () => http.get<TiersReport>('/analytics/tiers'),
  model: () => http.get<ClvModel>('/analytics/clv/model', { quiet: true }),
  clvDistribution: (bins = 20) => http.get<ClvDistribution>('/analytics/clv/distribution', { query: { bins } }),
  cohorts: () => http.get<CohortReport>('/analytics/cohorts'),
  churnRisk: (query: { max_p_alive?: number; min_orders?: number; limit?: number; cursor?: string | null } = {}) =>
    http.get<{ items: ChurnRisk[]; next_cursor: string | null }>('/analytics/churn-risk', { query }),
  customerScores: (id: number) => http.get<CustomerScores>(`/analytics/customers/${id}/scores`),
  customer7p: (id: number) => http.get<Profile7P>(`/analytics/customers/${id}/7p`),
  economics: (query: { from: string; to: string; by: EconomicsDimension }) => http.get<EconomicsReport>('/analytics/economics', { query }),
  costs: (query: { from?: string; to?: string } = {}) => http.get<CostList>('/analytics/economics/costs', { query }),
  putCosts: (entries: CostEntry[]) => http.put<CostList>('/analytics/economics/costs', { entries }),
  importCosts: (file: Blob) => upload<CostImportReport>('/analytics/economics/costs/import', file, 'text/csv'),
}
