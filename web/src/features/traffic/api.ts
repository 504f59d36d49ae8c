// Visitor tracking and traffic: one function per API route.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  Abandonment,
  Funnel,
  LivePage,
  ProductTraffic,
  TrackedCart,
  TrackedEvent,
  TrafficOverview,
  TrafficWindow,
  WriteKey,
} from '@/features/traffic/types'

export const trafficApi = {
  listWriteKeys: () => http.get<{ items: WriteKey[] }>('/write-keys'),
  createWriteKey: (name: string) => http.post<WriteKey>('/write-keys', { name }),
  revokeWriteKey: (id: number) => http.del<void>(`/write-keys/${id}`),
  trafficOverview: (window: TrafficWindow) => http.get<TrafficOverview>('/traffic/overview', { query: { ...window } }),
  trafficFunnel: (window: TrafficWindow) => http.get<Funnel>('/traffic/funnel', { query: { ...window } }),
  trafficAbandonment: (window: TrafficWindow, bucket: 'hour' | 'day' | 'week' = 'day') =>
    http.get<Abandonment>('/traffic/abandonment', { query: { ...window, bucket } }),
  trafficProducts: (window: TrafficWindow, limit = 10) =>
    http.get<{ items: ProductTraffic[] }>('/traffic/products', { query: { ...window, limit } }),
  listCarts: (status: 'open' | 'abandoned' | 'purchased', page: PageQuery = {}) =>
    http.get<Page<TrackedCart> & { abandon_after_ms: number }>('/carts', { query: { status, ...page } }),
  liveEvents: (after: number | null, limit = 100) => http.get<LivePage>('/events/live', { query: { after, limit } }),
  listEvents: (query: { type?: string; customer_id?: number } & PageQuery = {}) =>
    http.get<Page<TrackedEvent>>('/events', { query: { ...query } }),
}
