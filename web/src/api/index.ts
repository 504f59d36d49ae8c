// One function per API route the UI uses.

import { http } from './client'
import type {
  ApiKey,
  AuditEntry,
  CreateUserRequest,
  CreateUserResponse,
  CreatedApiKey,
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
}
