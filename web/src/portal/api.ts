// The customer portal's calls. The portal cookie is HttpOnly; writes send back the CSRF token
// that the session and GET /portal/me return (shared/api.ts keeps it).

import { request, setCsrfToken } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  ConsentRequest,
  EraseRequest,
  AttachmentInput,
  PortalOrder,
  PortalTicket,
  PortalTicketView,
  TicketRequest,
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
  tickets: () => request<{ items: PortalTicket[] }>('GET', '/portal/tickets'),
  ticket: (id: number) => request<PortalTicketView>('GET', `/portal/tickets/${id}`),
  openTicket: (input: TicketRequest) => request<PortalTicketView>('POST', '/portal/tickets', { body: input, quiet: true }),
  addMessage: (id: number, body: string, attachments: AttachmentInput[]) =>
    request<PortalTicketView>('POST', `/portal/tickets/${id}/messages`, { body: { body, attachments }, quiet: true }),
  answerQuote: (id: number, accept: boolean) => request<PortalTicketView>('POST', `/portal/tickets/${id}/quote`, { body: { accept } }),
  rate: (id: number, score: number, comment: string) =>
    request<PortalTicketView>('POST', `/portal/tickets/${id}/rating`, { body: { score, comment } }),
}

/** Where the browser downloads a file of one's ticket. */
export function attachmentUrl(id: number): string {
  return `/api/v1/portal/attachments/${id}`
}

/** A chosen file as the API takes it (standard base64). */
export async function attachmentOf(file: File): Promise<AttachmentInput> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return { filename: file.name, content_type: file.type || 'application/octet-stream', content_base64: btoa(binary) }
}

/** Where the browser downloads the customer's own data (a JSON attachment). */
export const EXPORT_URL = '/api/v1/portal/export'
