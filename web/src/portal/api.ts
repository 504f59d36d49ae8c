// The customer portal's calls. The portal cookie is HttpOnly; writes send back the CSRF token
// that the session and GET /portal/me return (shared/api.ts keeps it).

import { request, setCsrfToken } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  ConsentRequest,
  EraseRequest,
  PortalOrder,
  PortalOrderView,
  PortalReturn,
  Profile,
  ProfileChanges,
  ReturnInput,
  WarrantyItem,
} from './types'

function remember(profile: Profile): Profile {
  setCsrfToken(profile.csrf_token)
  return profile
}

export const portalApi = {
  signIn: (email: string) => request<{ status: string }>('POST', '/portal/sign-in', { body: { email }, quiet: true }),
  openSession: async (token: string) => remember(await request<Profile>('POST', '/portal/session', { body: { token }, quiet: true })),
  signOut: () => request<void>('POST', '/portal/sign-out'),
  me: async (quiet = false) => remember(await request<Profile>('GET', '/portal/me', { quiet })),
  updateMe: (changes: ProfileChanges) => request<Profile>('PATCH', '/portal/me', { body: changes, quiet: true }),
  setConsent: (consent: ConsentRequest) => request<Profile>('PUT', '/portal/me/consent', { body: consent }),
  orders: (cursor?: string | null) => request<Page<PortalOrder>>('GET', '/portal/orders', { query: { cursor, limit: 20 } }),
  order: (id: number) => request<PortalOrderView>('GET', `/portal/orders/${id}`),
  createReturn: (orderId: number, input: ReturnInput) =>
    request<PortalReturn>('POST', `/portal/orders/${orderId}/returns`, { body: input, quiet: true }),
  returns: () => request<{ items: PortalReturn[] }>('GET', '/portal/returns'),
  warranty: () => request<{ items: WarrantyItem[] }>('GET', '/portal/warranty'),
  eraseRequests: () => request<{ items: EraseRequest[] }>('GET', '/portal/erase-requests'),
  requestErasure: (reason: string) => request<EraseRequest>('POST', '/portal/erase-requests', { body: { reason } }),
}

/** Where the browser downloads the customer's own data (a JSON attachment). */
export const EXPORT_URL = '/api/v1/portal/export'
