// Sign-in: one function per API route.

import { http } from '@/shared/api'
import type { LoginResponse, MeResponse, RecoveryCodes, TwoFactorEnrolment, TwoFactorRoles, TwoFactorStatus } from '@/features/auth/types'

/** Proof that the signed-in user is present: a current code or their password. */
export interface TwoFactorProof {
  code?: string
  password?: string
}

export const authApi = {
  login: (email: string, password: string) => http.post<LoginResponse>('/auth/login', { email, password }, { quiet: true }),
  logout: () => http.post<void>('/auth/logout', undefined, { quiet: true }),
  me: () => http.get<MeResponse>('/me', { quiet: true }),
  loginTwoFactor: (token: string, code: string) => http.post<LoginResponse>('/auth/login/two-factor', { token, code }, { quiet: true }),
  twoFactorStatus: () => http.get<TwoFactorStatus>('/auth/two-factor'),
  startTwoFactor: () => http.post<TwoFactorEnrolment>('/auth/two-factor/enrol'),
  confirmTwoFactor: (code: string) => http.post<RecoveryCodes>('/auth/two-factor/confirm', { code }, { quiet: true }),
  disableTwoFactor: (proof: TwoFactorProof) => http.post<void>('/auth/two-factor/disable', proof, { quiet: true }),
  regenerateRecoveryCodes: (proof: TwoFactorProof) => http.post<RecoveryCodes>('/auth/two-factor/recovery-codes', proof, { quiet: true }),
  resetTwoFactor: (userId: number) => http.del<void>(`/users/${userId}/two-factor`),
  twoFactorRoles: () => http.get<TwoFactorRoles>('/auth/two-factor/roles'),
  setTwoFactorRoles: (roles: TwoFactorRoles['roles']) => http.put<TwoFactorRoles>('/auth/two-factor/roles', { roles }),
}
