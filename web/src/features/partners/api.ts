// Partners: one function per API route the partners page uses.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type { Partner, PartnerKind, PartnerProductLink, PartnerScorecard, PartnerUser } from './types'

export const partnersApi = {
  list: (kind: PartnerKind | null, page: PageQuery = {}) =>
    http.get<Page<Partner>>('/partners', { query: { ...(kind ? { kind } : {}), ...page } }),
  get: (id: number) => http.get<Partner>(`/partners/${id}`),
  scorecard: (id: number) => http.get<PartnerScorecard>(`/partners/${id}/scorecard`),
  products: (id: number) => http.get<{ items: PartnerProductLink[] }>(`/partners/${id}/products`),
  users: (id: number) => http.get<{ items: PartnerUser[] }>(`/partners/${id}/users`),
}
