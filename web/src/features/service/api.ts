// Service: one function per API route the ticket pages use.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  Attachment,
  Interaction,
  Macro,
  ReplyInput,
  ReplyResult,
  ServiceContract,
  ServiceSummary,
  Ticket,
  TicketEvent,
  TicketInput,
  TicketPatch,
  TicketQuery,
  TicketSummary,
} from '@/features/service/types'

export const serviceApi = {
  listTickets: (query: TicketQuery, page: PageQuery = {}) => http.get<Page<TicketSummary>>('/tickets', { query: { ...query, ...page } }),
  getTicket: (id: number, quiet = false) => http.get<Ticket>(`/tickets/${id}`, { quiet }),
  createTicket: (body: TicketInput) => http.post<Ticket>('/tickets', body),
  updateTicket: (id: number, body: TicketPatch) => http.patch<Ticket>(`/tickets/${id}`, body),
  conversation: (id: number) => http.get<{ items: Interaction[] }>(`/tickets/${id}/conversation`),
  events: (id: number) => http.get<{ items: TicketEvent[] }>(`/tickets/${id}/events`),
  reply: (id: number, body: ReplyInput) => http.post<ReplyResult>(`/tickets/${id}/replies`, body),
  macros: () => http.get<{ items: Macro[] }>('/macros'),
  summary: () => http.get<ServiceSummary>('/service/summary'),
  contracts: (customerId: number) => http.get<{ items: ServiceContract[] }>('/service-contracts', { query: { customer_id: customerId } }),
  attachments: (interactionId: number) => http.get<{ items: Attachment[] }>(`/interactions/${interactionId}/attachments`),
}
