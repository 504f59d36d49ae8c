// Partners section types, from the API's OpenAPI document (src/api/schema.d.ts).

import type { components, paths } from '@/api/schema'

type Schemas = components['schemas']

/** The JSON body a route takes. */
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

export type Partner = Schemas['Partner']
export type PartnerKind = Partner['kind']
export type PartnerContact = Schemas['PartnerContact']
export type PartnerScorecard = Schemas['PartnerScorecard']
export type PartnerProductLink = Schemas['PartnerProductLink']
export type PartnerUser = Schemas['PartnerUser']
export type PartnerRole = PartnerUser['role']
export type PartnerSignInLink = Schemas['PartnerSignInLink']
export type PartnerRoutingRule = Schemas['PartnerRoutingRule']
export type PartnerLine = Schemas['PartnerLine']
export type LineState = PartnerLine['state']
export type PartnerRanking = Schemas['PartnerRanking']

export type PartnerInput = Body<'/api/v1/partners', 'post'>
export type PartnerContactInput = Body<'/api/v1/partners/{id}/contacts', 'post'>
export type PartnerUserInput = Body<'/api/v1/partners/{id}/users', 'post'>
export type PartnerUserChanges = Body<'/api/v1/partners/{id}/users/{user_id}', 'patch'>
export type PartnerProductLinkInput = Body<'/api/v1/partners/{id}/products', 'post'>
export type PartnerRoutingRuleInput = Body<'/api/v1/partners/{id}/routing-rules', 'post'>
