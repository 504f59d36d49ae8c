// Referrals: one function per API route the staff pages and the 360° page use (the portal's own
// call is in portal/ReferralPage.vue's api below).

import { http, request, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type { CustomerReferral, LeaderboardEntry, ReferralCode, ReferralSettings, ReferrerReport, RewardRunResult } from './types'

export const referralsApi = {
  settings: () => http.get<ReferralSettings>('/referrals/settings'),
  leaderboard: (page: PageQuery = {}) => http.get<Page<LeaderboardEntry>>('/referrals/leaderboard', { query: { ...page } }),
  referrer: (id: number) => http.get<ReferrerReport>(`/referrals/referrers/${id}`),
  ofCustomer: (id: number) => http.get<CustomerReferral>(`/customers/${id}/referral`),
  runRewards: () => http.post<RewardRunResult>('/referrals/rewards/run', {}),
}

/** The portal customer's own code and link (the portal session's cookie). */
export const portalReferralApi = {
  own: () => request<ReferralCode>('GET', '/portal/referral'),
}
