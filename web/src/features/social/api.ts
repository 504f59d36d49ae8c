// Social: one function per API route the mentions pages use.

import { http, upload, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  EscalateResult,
  ImportReport,
  Mention,
  MentionDetail,
  MentionQuery,
  MentionReply,
  Reputation,
  ReputationQuery,
  SocialSettings,
  SocialSettingsInput,
} from './types'

export const socialApi = {
  list: (query: MentionQuery, page: PageQuery = {}) => http.get<Page<Mention>>('/social/mentions', { query: { ...query, ...page } }),
  get: (id: number) => http.get<MentionDetail>(`/social/mentions/${id}`),
  reply: (id: number, text: string) => http.post<MentionReply>(`/social/mentions/${id}/replies`, { text }),
  retry: (replyId: number) => http.post<MentionReply>(`/social/replies/${replyId}/retry`, {}),
  escalate: (id: number) => http.post<EscalateResult>(`/social/mentions/${id}/escalate`, {}),
  handled: (id: number) => http.post<Mention>(`/social/mentions/${id}/handled`, {}),
  reputation: (query: ReputationQuery) => http.get<Reputation>('/social/reputation', { query: { ...query } }),
  importCsv: (file: Blob, skipBad: boolean) => upload<ImportReport>('/social/import', file, 'text/csv', { query: { skip_bad: skipBad } }),
  settings: () => http.get<SocialSettings>('/social/settings'),
  putSettings: (body: SocialSettingsInput) => http.put<SocialSettings>('/social/settings', body),
}

export interface SocialHandle {
  platform: string
  handle: string
}

export const handlesApi = {
  get: (customerId: number) => http.get<{ handles: SocialHandle[] }>(`/customers/${customerId}/social-handles`),
  put: (customerId: number, handles: SocialHandle[]) =>
    http.put<{ handles: SocialHandle[] }>(`/customers/${customerId}/social-handles`, { handles }),
}

export const aliasesApi = {
  get: (productId: number) => http.get<{ aliases: string[] }>(`/products/${productId}/aliases`),
  put: (productId: number, aliases: string[]) => http.put<{ aliases: string[] }>(`/products/${productId}/aliases`, { aliases }),
}
