// Shapes of the messaging and automation JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type {
  CarePolicy,
  Flow,
  MessageTemplate,
  OutboxMessage,
  OutboxStats,
  PolicyRow,
  PreviewRequest,
  ReleaseRequest,
  RenderedMessage,
  ReplyStats,
  RunSummary,
  TemplateInput,
} from '@/api/types'
import type { OutboxMessage } from '@/api/types'

export type MessageStatus = OutboxMessage['status']
export type MessageKind = OutboxMessage['kind']

export const MESSAGE_STATUSES: readonly MessageStatus[] = ['queued', 'sending', 'sent', 'failed', 'bounced', 'suppressed']

/** The statuses of messages that were not delivered (each says why in `reason`). */
export const PROBLEM_STATUSES: readonly MessageStatus[] = ['failed', 'bounced', 'suppressed']

export const MESSAGE_KINDS: readonly MessageKind[] = ['marketing', 'transactional']

/** The languages templates are written in (the server refuses others). */
export const TEMPLATE_LANGUAGES = ['en', 'zh-CN'] as const
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number]

/** The outbox list's filters (`GET /api/v1/messages`); not in the OpenAPI document's types. */
export interface MessageFilter {
  customer?: number | null
  status?: MessageStatus | ''
  source?: string
}

/** A template key as the server accepts it (a-z, 0-9, '_' and '-'). */
export const TEMPLATE_KEY_PATTERN = /^[a-z0-9_-]{1,100}$/
