// Service reports: the satisfaction and SLA report's types and its API call
// (GET /api/v1/service/reports).

import { http } from '@/shared/api'

export type ReportBy = 'channel' | 'team' | 'category' | 'product'

export interface DurationStats {
  count: number
  median: number | null // minutes
  p90: number | null
}

export interface Attainment {
  measured: number
  met: number
  percent: number | null
}

export interface ReportGroup {
  key: string
  label: string
  tickets: number
  first_response_wall_minutes: DurationStats
  resolution_wall_minutes: DurationStats
  sla_first_response: Attainment
  sla_resolution: Attainment
  csat: { answers: number; average: number | null; satisfied_percent: number | null }
  nps: { answers: number; promoters: number; passives: number; detractors: number; score: number | null }
  repeat_purchase: { customers: number; repeat_customers: number; percent: number | null }
}

export interface ServiceReport {
  from: string
  to: string
  by: ReportBy
  groups: ReportGroup[]
  total: ReportGroup
}

export interface ReportQuery {
  from?: string
  to?: string
  by?: ReportBy
}

export const reportsApi = {
  report: (query: ReportQuery) => http.get<ServiceReport>('/service/reports', { query: { ...query } }),
}
