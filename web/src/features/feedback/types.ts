// Feedback section types, from the API's OpenAPI document (src/api/schema.d.ts).

import type { components } from '@/api/schema'

type Schemas = components['schemas']

export type ProductReport = Schemas['FeedbackProductReport']
export type FeedbackIssue = Schemas['FeedbackIssue']
export type FeedbackQuote = Schemas['FeedbackQuote']
export type FeedbackSource = FeedbackQuote['source']
export type MiningStatus = Schemas['FeedbackMiningStatus']
export type FeedbackAlert = Schemas['FeedbackAlert']
export type AlertList = Schemas['FeedbackAlertList']
// GET /feedback/alerts?state=
export type AlertState = 'open' | 'acknowledged' | 'all'

export interface AlertQuery {
  state?: AlertState
  product_id?: number
  limit?: number
}
