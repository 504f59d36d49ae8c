// Shapes of the settings (users, api keys, audit log) JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type { ApiKey, AuditEntry, CreateUserResponse, CreatedApiKey, RoleScopes, ScopeInfo, UserRecord } from '@/api/types'

export interface CreateUserRequest {
  email: string
  role: string
  name?: string
  password?: string
}

export interface UpdateUserRequest {
  role?: string
  name?: string
  disabled?: boolean
  password?: string
}
