// Service section types: from the API's (src/api/types.ts), plus the enums the pages offer.

export type {
  Attachment,
  Interaction,
  Macro,
  ReplyInput,
  ReplyResult,
  ServiceContract,
  ServiceSummary,
  SlaView,
  Ticket,
  TicketEvent,
  TicketInput,
  TicketPatch,
  TicketQuery,
  TicketSummary,
} from '@/api/types'

import type { Ticket } from '@/api/types'

export type TicketStatus = Ticket['status']
export type Priority = Ticket['priority']
export type Channel = Ticket['channel']
export type SlaTarget = Ticket['sla']['breached'][number]

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const satisfies readonly TicketStatus[]
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const satisfies readonly Priority[]
export const CHANNELS = ['web_form', 'email', 'phone', 'chat', 'fax', 'social', 'in_person', 'note'] as const satisfies readonly Channel[]
export const INBOX_VIEWS = ['mine', 'unassigned', 'breaching', 'all'] as const
export type InboxView = (typeof INBOX_VIEWS)[number]
