// Settings (users, API keys, audit log, system status): one function per API route.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  ApiKey,
  AuditEntry,
  CreateUserRequest,
  CreateUserResponse,
  CreatedApiKey,
  RoleScopes,
  ScopeInfo,
  SystemInfo,
  UpdateUserRequest,
  UserRecord,
} from '@/features/settings/types'

export const settingsApi = {
  listUsers: (page: PageQuery = {}) => http.get<Page<UserRecord>>('/users', { query: { ...page } }),
  createUser: (body: CreateUserRequest) => http.post<CreateUserResponse>('/users', body),
  updateUser: (id: number, body: UpdateUserRequest) => http.patch<{ user: UserRecord }>(`/users/${id}`, body),
  listApiKeys: (page: PageQuery = {}) => http.get<Page<ApiKey>>('/api-keys', { query: { ...page } }),
  listScopes: () => http.get<{ items: ScopeInfo[] }>('/api-keys/scopes'),
  createApiKey: (name: string, scopes: string[]) => http.post<CreatedApiKey>('/api-keys', { name, scopes }),
  revokeApiKey: (id: number) => http.del<void>(`/api-keys/${id}`),
  listRoles: () => http.get<{ items: RoleScopes[] }>('/roles', { quiet: true }),
  listAudit: (page: PageQuery = {}) => http.get<Page<AuditEntry>>('/audit', { query: { ...page } }),
  systemInfo: () => http.get<SystemInfo>('/system/info'),
}
