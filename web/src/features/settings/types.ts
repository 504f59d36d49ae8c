// Shapes of the settings (users, api keys, audit log) JSON of the API (written by hand until the OpenAPI document describes them).
// Times are unix milliseconds (UTC).

import type { User } from '@/features/auth/types'

export interface UserRecord extends User {
  disabled: boolean
  created_at: number
  last_login_at: number | null
}

export interface CreateUserRequest {
  email: string
  role: string
  name?: string
  password?: string
}

export interface CreateUserResponse {
  user: UserRecord
  password?: string
}

export interface UpdateUserRequest {
  role?: string
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

/** A staff role and the scopes it holds (GET /roles). */
export interface RoleScopes {
  role: string
  scopes: string[]
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
