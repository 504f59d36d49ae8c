// Sign-in: one function per API route.

import { http } from '@/shared/api'
import type { LoginResponse, MeResponse } from '@/features/auth/types'

export const authApi = {
  login: (email: string, password: string) => http.post<LoginResponse>('/auth/login', { email, password }, { quiet: true }),
  logout: () => http.post<void>('/auth/logout', undefined, { quiet: true }),
  me: () => http.get<MeResponse>('/me', { quiet: true }),
}
