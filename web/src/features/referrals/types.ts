// Referrals section types, from the API's OpenAPI document (src/api/schema.d.ts). Money is
// integer minor units; times are unix milliseconds.

import type { components } from '@/api/schema'

type Schemas = components['schemas']

export type ReferralCode = Schemas['ReferralCode']
export type CustomerReferral = Schemas['CustomerReferral']
export type ReferrerReport = Schemas['ReferrerReport']
export type ReferredCustomer = Schemas['ReferredCustomer']
export type LeaderboardEntry = Schemas['LeaderboardEntry']
export type ReferralSettings = Schemas['ReferralSettings']
export type RewardRunResult = Schemas['RewardRunResult']
