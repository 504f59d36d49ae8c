// Partners: one function per API route the partners pages use.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  LineState,
  Partner,
  PartnerContact,
  PartnerContactInput,
  PartnerInput,
  PartnerKind,
  PartnerLine,
  PartnerProductLink,
  PartnerProductLinkInput,
  PartnerRanking,
  PartnerRoutingRule,
  PartnerRoutingRuleInput,
  PartnerScorecard,
  PartnerSignInLink,
  PartnerUser,
  PartnerUserChanges,
  PartnerUserInput,
} from './types'

// Forms show a refused value's message under its field: those calls are quiet.
const quiet = { quiet: true }

export const partnersApi = {
  list: (kind: PartnerKind | null, page: PageQuery = {}) =>
    http.get<Page<Partner>>('/partners', { query: { ...(kind ? { kind } : {}), ...page } }),
  create: (input: PartnerInput) => http.post<Partner>('/partners', input, quiet),
  get: (id: number) => http.get<Partner>(`/partners/${id}`),
  scorecard: (id: number) => http.get<PartnerScorecard>(`/partners/${id}/scorecard`),
  addContact: (id: number, input: PartnerContactInput) => http.post<PartnerContact>(`/partners/${id}/contacts`, input, quiet),
  products: (id: number) => http.get<{ items: PartnerProductLink[] }>(`/partners/${id}/products`),
  linkProduct: (id: number, input: PartnerProductLinkInput) => http.post<PartnerProductLink>(`/partners/${id}/products`, input, quiet),
  users: (id: number) => http.get<{ items: PartnerUser[] }>(`/partners/${id}/users`),
  addUser: (id: number, input: PartnerUserInput) => http.post<PartnerUser>(`/partners/${id}/users`, input, quiet),
  updateUser: (id: number, userId: number, changes: PartnerUserChanges) =>
    http.patch<PartnerUser>(`/partners/${id}/users/${userId}`, changes),
  signInLink: (id: number, userId: number) => http.post<PartnerSignInLink>(`/partners/${id}/users/${userId}/sign-in-link`),
  rules: (id: number) => http.get<{ items: PartnerRoutingRule[] }>(`/partners/${id}/routing-rules`),
  addRule: (id: number, input: PartnerRoutingRuleInput) => http.post<PartnerRoutingRule>(`/partners/${id}/routing-rules`, input, quiet),
  lines: (id: number, state: LineState | '', page: PageQuery = {}) =>
    http.get<Page<PartnerLine>>(`/partners/${id}/lines`, { query: { state: state || undefined, ...page } }),
  ranking: (query: { product_id?: number | null; category_id?: number | null }) => http.get<PartnerRanking>('/partner-rankings', { query }),
}
