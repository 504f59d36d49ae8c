// Shapes of the settings (users, api keys, audit log, system status) JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type {
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
} from '@/api/types'
import type { RoleScopes } from '@/api/types'

/** A staff role's name, as the server lists them (GET /roles). */
export type Role = RoleScopes['role']
