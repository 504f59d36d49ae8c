// Shapes of the sign-in JSON of the API (written by hand until the OpenAPI document describes them).
// Times are unix milliseconds (UTC).

export interface User {
  id: number
  email: string
  name: string
  /** The role's name; what it may do is in `scopes` (GET /me). */
  role: string
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
