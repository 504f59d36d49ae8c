// Shapes of the JSON the ecrm API returns under /api/v1. Times are unix milliseconds (UTC).

export type Role = 'admin' | 'marketing' | 'sales' | 'service' | 'analyst'

export const ROLES: readonly Role[] = ['admin', 'marketing', 'sales', 'service', 'analyst']

export interface User {
  id: number
  email: string
  name: string
  role: Role
}

export interface UserRecord extends User {
  disabled: boolean
  created_at: number
  last_login_at: number | null
}

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export interface LoginResponse {
  user: User
  csrf_token: string
}

export interface MeResponse {
  user: User
  auth: 'session' | 'api_key'
  csrf_token?: string
  scopes?: string[]
}

export interface SystemInfo {
  version: string
  database: string
  started_at: number
  uptime_s: number
  users: number
  api_keys: number
  requests_total: number
  requests_by_status: Record<string, number>
}

export interface CreateUserRequest {
  email: string
  role: Role
  name?: string
  password?: string
}

export interface CreateUserResponse {
  user: UserRecord
  password?: string
}

export interface UpdateUserRequest {
  role?: Role
  name?: string
  disabled?: boolean
  password?: string
}

export interface ApiKey {
  id: number
  name: string
  scopes: string[]
  prefix: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
  user_id: number
}

export interface CreatedApiKey {
  id: number
  key: string
  name: string
  scopes: string[]
  prefix: string
}

export interface ScopeInfo {
  scope: string
  description: string
}

export interface AuditEntry {
  id: number
  at: number
  actor: string | null
  actor_id: number | null
  actor_type: 'user' | 'api_key' | 'system' | 'anonymous'
  action: string
  entity: string | null
  entity_id: string | null
  status: number
  ip: string | null
  details: Record<string, unknown> | null
}

export interface ErrorBody {
  error: {
    code: string
    message: string
    field?: string
  }
}
