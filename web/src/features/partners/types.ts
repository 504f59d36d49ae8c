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

export type Lead = Schemas['Lead']
export type LeadStatus = Lead['status']
export type LeadSource = Lead['source']
export type LeadRule = Schemas['LeadRule']
export type LeadInput = Body<'/api/v1/leads', 'post'>
export type LeadRouteInput = Body<'/api/v1/leads/{id}/route', 'post'>
export type LeadRuleInput = Body<'/api/v1/partners/{id}/lead-rules', 'post'>
export type LeadRuleChanges = Body<'/api/v1/partners/{id}/lead-rules/{rule_id}', 'patch'>
/** The filters of the staff list of leads (GET /api/v1/leads). */
export type LeadQuery = NonNullable<paths['/api/v1/leads']['get']['parameters']['query']>

export type PartnerApiKey = Schemas['PartnerApiKey']
export type CreatedPartnerApiKey = Schemas['CreatedPartnerApiKey']
export type PartnerApiKeyInput = Body<'/api/v1/partners/{id}/api-keys', 'post'>
export type PartnerWebhook = Schemas['PartnerWebhook']
export type CreatedPartnerWebhook = Schemas['CreatedPartnerWebhook']
export type PartnerWebhookInput = Body<'/api/v1/partners/{id}/webhooks', 'post'>
export type PartnerWebhookChanges = Body<'/api/v1/partners/{id}/webhooks/{webhook_id}', 'patch'>
export type PartnerWebhookDelivery = Schemas['PartnerWebhookDelivery']

export type PurchaseSuggestions = Schemas['PurchaseSuggestions']
export type PurchaseSuggestion = Schemas['PurchaseSuggestion']
/** The parameters of GET /api/v1/purchasing/suggestions, but the format. */
export type PurchaseSuggestionQuery = Omit<NonNullable<paths['/api/v1/purchasing/suggestions']['get']['parameters']['query']>, 'format'>

/** The statuses of a lead, in the order of its life cycle (src/partners/leads_model.hpp). */
export const LEAD_STATUSES = ['new', 'routed', 'accepted', 'declined', 'won', 'lost', 'expired'] as const satisfies readonly LeadStatus[]
/** The events a webhook may take. */
export const WEBHOOK_EVENTS = ['order_line.created', 'order_line.updated'] as const
