// One function per API route the UI uses.

import { http } from './client'
import type {
  Abandonment,
  ApiKey,
  AuditEntry,
  CreateUserRequest,
  CreateUserResponse,
  CreatedApiKey,
  Funnel,
  LivePage,
  ProductTraffic,
  TrackedCart,
  TrackedEvent,
  TrafficOverview,
  WriteKey,
  LoginResponse,
  MeResponse,
  Page,
  ScopeInfo,
  SystemInfo,
  UpdateUserRequest,
  UserRecord,
} from './types'

export interface PageQuery {
  limit?: number
  cursor?: string | null
}

/** A time window in unix milliseconds, [from, to). */
export interface TrafficWindow {
  from: number
  to: number
}

export const api = {
  login: (email: string, password: string) =>
    http.post<LoginResponse>('/auth/login', { email, password }, { quiet: true }),
  logout: () => http.post<void>('/auth/logout', undefined, { quiet: true }),
  me: () => http.get<MeResponse>('/me', { quiet: true }),

  systemInfo: () => http.get<SystemInfo>('/system/info'),

  listUsers: (page: PageQuery = {}) => http.get<Page<UserRecord>>('/users', { query: { ...page } }),
  createUser: (body: CreateUserRequest) => http.post<CreateUserResponse>('/users', body),
  updateUser: (id: number, body: UpdateUserRequest) => http.patch<{ user: UserRecord }>(`/users/${id}`, body),

  listApiKeys: (page: PageQuery = {}) => http.get<Page<ApiKey>>('/api-keys', { query: { ...page } }),
  listScopes: () => http.get<{ items: ScopeInfo[] }>('/api-keys/scopes'),
  createApiKey: (name: string, scopes: string[]) => http.post<CreatedApiKey>('/api-keys', { name, scopes }),
  revokeApiKey: (id: number) => http.del<void>(`/api-keys/${id}`),

  listAudit: (page: PageQuery = {}) => http.get<Page<AuditEntry>>('/audit', { query: { ...page } }),

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
  liveEvents: (after: number | null, limit = 100) =>
    http.get<LivePage>('/events/live', { query: { after, limit } }),
  listEvents: (query: { type?: string; customer_id?: number } & PageQuery = {}) =>
    http.get<Page<TrackedEvent>>('/events', { query: { ...query } }),
}
