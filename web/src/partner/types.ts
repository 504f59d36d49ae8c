// The partner portal's types, from the API's OpenAPI document (src/api/schema.d.ts).

import type { components } from '@/api/schema'

type Schemas = components['schemas']

export type PartnerMe = Schemas['PartnerMe']
export type PartnerLine = Schemas['PartnerLine']
export type LineState = PartnerLine['state']
export type LinePart = Schemas['PartnerLinePart']
export type PartnerProduct = Schemas['PartnerProductLink']
export type PartnerScorecard = Schemas['PartnerScorecard']
export type Lead = Schemas['Lead']
export type LeadStatus = Lead['status']

/** A partner's change to one of its products; values the server checks (and may refuse). */
export interface ProductUpdate {
  stock_on_hand?: number | string
  lead_time_days?: number | string
}

export interface ShipmentInput {
  carrier: string
  tracking_number: string
}
