// Shapes of the sign-in JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type { LoginResponse, MeResponse, RecoveryCodes, TwoFactorEnrolment, TwoFactorRoles, TwoFactorStatus, User } from '@/api/types'
