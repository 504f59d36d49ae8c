// Staff notices: one function per API route the bell and the follow controls use.

import { http } from '@/shared/api'
import type { Page } from '@/api/types'
import type { Notice, NoticeCount, NoticeTopic, Subscriptions, SubscriptionsInput } from './types'

export const noticesApi = {
  list: (query: { state?: 'unread' | 'all'; limit?: number } = {}) => http.get<Page<Notice>>('/notices', { query: { ...query } }),
  unread: () => http.get<NoticeCount>('/notices/unread', { quiet: true }),
  markRead: (id: number) => http.post<Notice>(`/notices/${id}/read`),
  markAllRead: () => http.post<NoticeCount>('/notices/read-all'),
  subscriptions: (topic: NoticeTopic) => http.get<Subscriptions>(`/notices/subscriptions/${topic}`),
  setSubscriptions: (topic: NoticeTopic, input: SubscriptionsInput) => http.put<Subscriptions>(`/notices/subscriptions/${topic}`, input),
}
