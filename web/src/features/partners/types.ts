// Partners section types, from the API's OpenAPI document (src/api/schema.d.ts).

import type { components } from '@/api/schema'

type Schemas = components['schemas']

export type Partner = Schemas['Partner']
export type PartnerKind = Partner['kind']
export type PartnerScorecard = Schemas['PartnerScorecard']
export type PartnerProductLink = Schemas['PartnerProductLink']
export type PartnerUser = Schemas['PartnerUser']
