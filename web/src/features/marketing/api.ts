// Messaging and automation: one function per API route.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  AudienceRequest,
  AudienceSize,
  Campaign,
  CampaignInput,
  CampaignResults,
  CarePolicy,
  EnrolRequest,
  EnrolResult,
  Enrolment,
  Flow,
  FlowInput,
  FlowStats,
  Follow,
  FollowInput,
  MessageFilter,
  MessageEventRecord,
  MessageTemplate,
  OutboxMessage,
  OutboxStats,
  PreviewRequest,
  ReleaseRequest,
  RenderedMessage,
  ReplyStats,
  RunSummary,
  SendingRules,
  Suppression,
  SuppressionInput,
  TemplateInput,
  TestSendRequest,
  TestSendResult,
} from '@/features/marketing/types'

const flowPath = (key: string) => `/automation/flows/${encodeURIComponent(key)}`
const templatePath = (key: string, language: string) => `/message-templates/${encodeURIComponent(key)}/${encodeURIComponent(language)}`

export const marketingApi = {
  listFlows: () => http.get<{ items: Flow[] }>('/automation/flows'),
  setFlowEnabled: (key: string, enabled: boolean) => http.patch<Flow>(`/automation/flows/${encodeURIComponent(key)}`, { enabled }),
  getFlow: (key: string) => http.get<Flow>(flowPath(key), { quiet: true }),
  putFlow: (key: string, body: FlowInput) => http.put<Flow>(flowPath(key), body, { quiet: true }),
  deleteFlow: (key: string) => http.del<void>(flowPath(key)),
  enrolments: (key: string, customerId: number | null, page: PageQuery = {}) =>
    http.get<Page<Enrolment>>(`${flowPath(key)}/enrolments`, { query: { customer_id: customerId, ...page } }),
  flowStats: (key: string) => http.get<FlowStats>(`${flowPath(key)}/stats`, { quiet: true }),
  webhookSecret: () => http.get<{ secret: string }>('/automation/webhook-secret'),
  enrol: (key: string, body: EnrolRequest) => http.post<EnrolResult>(`${flowPath(key)}/enrol`, body),
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
  testSend: (body: TestSendRequest) => http.post<TestSendResult>('/message-templates/test-send', body, { quiet: true }),

  listMessages: (filter: MessageFilter, page: PageQuery = {}) =>
    http.get<Page<OutboxMessage>>('/messages', { query: { ...filter, ...page } }),
  getMessage: (id: number) => http.get<OutboxMessage>(`/messages/${id}`),
  messageEvents: (id: number) => http.get<{ items: MessageEventRecord[] }>(`/messages/${id}/events`),
  getRules: () => http.get<SendingRules>('/messaging/rules'),
  setRules: (rules: SendingRules) => http.put<SendingRules>('/messaging/rules', rules, { quiet: true }),
  suppressions: (q: string, limit = 50) => http.get<{ items: Suppression[] }>('/suppressions', { query: { q, limit } }),
  suppress: (body: SuppressionInput) => http.post<Suppression>('/suppressions', body, { quiet: true }),
  unsuppress: (address: string) => http.del<void>(`/suppressions/${encodeURIComponent(address)}`),
  stats: () => http.get<OutboxStats>('/messages/stats'),
  replies: () => http.get<{ items: ReplyStats[] }>('/messages/replies'),

  audience: (body: AudienceRequest, signal?: AbortSignal) => http.post<AudienceSize>('/campaigns/audience', body, { quiet: true, signal }),
  createCampaign: (body: CampaignInput) => http.post<Campaign>('/campaigns', body, { quiet: true }),
  listCampaigns: (page: PageQuery = {}) => http.get<Page<Campaign>>('/campaigns', { query: { ...page } }),
  getCampaign: (id: number) => http.get<CampaignResults>(`/campaigns/${id}`, { quiet: true }),
  sendCampaign: (id: number) => http.post<Campaign>(`/campaigns/${id}/send`),
  cancelCampaign: (id: number) => http.post<Campaign>(`/campaigns/${id}/cancel`),

  follow: (body: FollowInput) => http.post<Follow>('/follows', body),
  unfollow: (body: FollowInput) => http.post<void>('/follows/remove', body),
  customerFollows: (customerId: number) => http.get<{ items: Follow[] }>(`/customers/${customerId}/follows`),
}
