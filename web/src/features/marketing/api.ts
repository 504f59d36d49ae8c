// Messaging and automation: one function per API route.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  CarePolicy,
  Flow,
  MessageFilter,
  MessageTemplate,
  OutboxMessage,
  OutboxStats,
  PreviewRequest,
  ReleaseRequest,
  RenderedMessage,
  ReplyStats,
  RunSummary,
  TemplateInput,
} from '@/features/marketing/types'

const templatePath = (key: string, language: string) => `/message-templates/${encodeURIComponent(key)}/${encodeURIComponent(language)}`

export const marketingApi = {
  listFlows: () => http.get<{ items: Flow[] }>('/automation/flows'),
  setFlowEnabled: (key: string, enabled: boolean) => http.patch<Flow>(`/automation/flows/${encodeURIComponent(key)}`, { enabled }),
  getPolicy: () => http.get<CarePolicy>('/automation/policy'),
  setPolicy: (policy: CarePolicy) => http.put<CarePolicy>('/automation/policy', policy),
  runDate: (date: string) => http.post<RunSummary>('/automation/run', { date }, { quiet: true }),
  release: (body: ReleaseRequest) => http.post<RunSummary>('/automation/releases', body, { quiet: true }),

  listTemplates: () => http.get<{ items: MessageTemplate[] }>('/message-templates'),
  getTemplate: (key: string, language: string, quiet = false) => http.get<MessageTemplate>(templatePath(key, language), { quiet }),
  putTemplate: (key: string, language: string, body: TemplateInput) =>
    http.put<MessageTemplate>(templatePath(key, language), body, { quiet: true }),
  deleteTemplate: (key: string, language: string) => http.del<void>(templatePath(key, language)),
  preview: (body: PreviewRequest, signal?: AbortSignal) =>
    http.post<RenderedMessage>('/message-templates/preview', body, { quiet: true, signal }),

  listMessages: (filter: MessageFilter, page: PageQuery = {}) =>
    http.get<Page<OutboxMessage>>('/messages', { query: { ...filter, ...page } }),
  getMessage: (id: number) => http.get<OutboxMessage>(`/messages/${id}`),
  stats: () => http.get<OutboxStats>('/messages/stats'),
  replies: () => http.get<{ items: ReplyStats[] }>('/messages/replies'),
}
