// Partners section types, from the API's OpenAPI document (src/api/schema.d.ts).

import type { components } from '@/api/schema'

type Schemas = components['schemas']

export type Partner = Schemas['Partner']
export type PartnerKind = Partner['kind']
export type PartnerScorecard = Schemas['Scorecard']
export type PartnerProductLink = Schemas['ProductLink']
export type PartnerUser = Schemas['PartnerUser']
