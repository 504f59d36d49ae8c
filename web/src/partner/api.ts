// The partner portal's calls (/api/v1/portal/partner/…). The portal cookie is HttpOnly; writes
// send back the CSRF token that the session and GET /me return (shared/api.ts keeps it).

import { request, setCsrfToken, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  Lead,
  LeadStatus,
  LineState,
  PartnerLine,
  PartnerMe,
  PartnerProduct,
  PartnerScorecard,
  ProductUpdate,
  ShipmentInput,
} from './types'

function remember(me: PartnerMe): PartnerMe {
  setCsrfToken(me.csrf_token)
  return me
}

const BASE = '/portal/partner'

export const partnerApi = {
  openSession: async (token: string) => remember(await request<PartnerMe>('POST', `${BASE}/session`, { body: { token }, quiet: true })),
  signOut: () => request<void>('POST', `${BASE}/sign-out`),
  me: async (quiet = false) => remember(await request<PartnerMe>('GET', `${BASE}/me`, { quiet })),
  lines: (state: LineState | '', page: PageQuery = {}) =>
    request<Page<PartnerLine>>('GET', `${BASE}/lines`, { query: { state: state || undefined, ...page } }),
  acknowledge: (id: number) => request<PartnerLine>('POST', `${BASE}/lines/${id}/acknowledge`),
  ship: (id: number, input: ShipmentInput) => request<PartnerLine>('POST', `${BASE}/lines/${id}/shipment`, { body: input, quiet: true }),
  products: () => request<{ items: PartnerProduct[] }>('GET', `${BASE}/products`),
  /** Changes one of the partner's products, by the product's id. */
  updateProduct: (productId: number, update: ProductUpdate) =>
    request<PartnerProduct>('PATCH', `${BASE}/products/${productId}`, { body: update, quiet: true }),
  scorecard: () => request<PartnerScorecard>('GET', `${BASE}/scorecard`),
  leads: (status: LeadStatus | '', page: PageQuery = {}) =>
    request<Page<Lead>>('GET', `${BASE}/leads`, { query: { status: status || undefined, ...page } }),
  acceptLead: (id: number) => request<Lead>('POST', `${BASE}/leads/${id}/accept`),
  declineLead: (id: number, reason: string) => request<Lead>('POST', `${BASE}/leads/${id}/decline`, { body: { reason }, quiet: true }),
  /** Reports an accepted lead won; the value in minor units (text that is no number, for the server to refuse). */
  wonLead: (id: number, value: number | string) => request<Lead>('POST', `${BASE}/leads/${id}/won`, { body: { value }, quiet: true }),
  lostLead: (id: number, reason: string) => request<Lead>('POST', `${BASE}/leads/${id}/lost`, { body: { reason }, quiet: true }),
}
