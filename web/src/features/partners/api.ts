// Partners: one function per API route the partners pages use.

import { apiUrl, http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  CreatedPartnerApiKey,
  CreatedPartnerWebhook,
  Lead,
  LeadInput,
  LeadQuery,
  LeadRule,
  LeadRuleChanges,
  LeadRuleInput,
  LineState,
  Partner,
  PartnerContact,
  PartnerContactInput,
  PartnerInput,
  PartnerKind,
  PartnerApiKey,
  PartnerApiKeyInput,
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
  PartnerWebhook,
  PartnerWebhookChanges,
  PartnerWebhookDelivery,
  PartnerWebhookInput,
  PurchaseSuggestionQuery,
  PurchaseSuggestions,
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
  leadRules: (id: number) => http.get<{ items: LeadRule[] }>(`/partners/${id}/lead-rules`),
  addLeadRule: (id: number, input: LeadRuleInput) => http.post<LeadRule>(`/partners/${id}/lead-rules`, input, quiet),
  updateLeadRule: (id: number, ruleId: number, changes: LeadRuleChanges) =>
    http.patch<LeadRule>(`/partners/${id}/lead-rules/${ruleId}`, changes, quiet),
  deleteLeadRule: (id: number, ruleId: number) => http.del<void>(`/partners/${id}/lead-rules/${ruleId}`),
  apiKeys: (id: number) => http.get<{ items: PartnerApiKey[] }>(`/partners/${id}/api-keys`),
  createApiKey: (id: number, input: PartnerApiKeyInput) => http.post<CreatedPartnerApiKey>(`/partners/${id}/api-keys`, input, quiet),
  revokeApiKey: (id: number, keyId: number) => http.del<void>(`/partners/${id}/api-keys/${keyId}`),
  webhooks: (id: number) => http.get<{ items: PartnerWebhook[] }>(`/partners/${id}/webhooks`),
  addWebhook: (id: number, input: PartnerWebhookInput) => http.post<CreatedPartnerWebhook>(`/partners/${id}/webhooks`, input, quiet),
  updateWebhook: (id: number, webhookId: number, changes: PartnerWebhookChanges) =>
    http.patch<PartnerWebhook>(`/partners/${id}/webhooks/${webhookId}`, changes, quiet),
  removeWebhook: (id: number, webhookId: number) => http.del<void>(`/partners/${id}/webhooks/${webhookId}`),
  deliveries: (id: number, webhookId: number, page: PageQuery = {}) =>
    http.get<Page<PartnerWebhookDelivery>>(`/partners/${id}/webhooks/${webhookId}/deliveries`, { query: { ...page } }),
}

export const leadsApi = {
  list: (query: LeadQuery, page: PageQuery = {}) => http.get<Page<Lead>>('/leads', { query: { ...query, ...page } }),
  get: (id: number) => http.get<Lead>(`/leads/${id}`),
  create: (input: LeadInput) => http.post<Lead>('/leads', input, quiet),
  route: (id: number, partnerId: number) => http.post<Lead>(`/leads/${id}/route`, { partner_id: partnerId }, quiet),
}

/** The purchase suggestions' query without empty values. */
function suggestionQuery(query: PurchaseSuggestionQuery): Record<string, number> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => typeof v === 'number')) as Record<string, number>
}

export const purchasingApi = {
  suggestions: (query: PurchaseSuggestionQuery) =>
    http.get<PurchaseSuggestions>('/purchasing/suggestions', { query: suggestionQuery(query), quiet: true }),
  /** The address of the same suggestions as a CSV download (the session's cookie authorises it). */
  csvUrl: (query: PurchaseSuggestionQuery) => apiUrl('/purchasing/suggestions', { ...suggestionQuery(query), format: 'csv' }),
}
