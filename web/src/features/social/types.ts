// Social section types, from the API's OpenAPI document (src/api/schema.d.ts).

import type { components, paths } from '@/api/schema'

type Schemas = components['schemas']

export type Mention = Schemas['Mention']
export type MentionDetail = Schemas['MentionDetail']
export type MentionReply = Schemas['MentionReply']
export type EscalateResult = Schemas['EscalateResult']
export type Reputation = Schemas['Reputation']
export type ImportReport = Schemas['MentionImportReport']
export type SocialSettings = Schemas['SocialSettings']
export type SocialSettingsInput = NonNullable<paths['/api/v1/social/settings']['put']['requestBody']>['content']['application/json']
export type MentionQuery = NonNullable<paths['/api/v1/social/mentions']['get']['parameters']['query']>
export type ReputationQuery = NonNullable<paths['/api/v1/social/reputation']['get']['parameters']['query']>

export type MentionStatus = Mention['status']
export type Sentiment = NonNullable<Mention['sentiment']>

export const MENTION_STATUSES = ['new', 'handled', 'escalated'] as const satisfies readonly MentionStatus[]
export const SENTIMENTS = ['positive', 'negative', 'neutral'] as const satisfies readonly Sentiment[]
