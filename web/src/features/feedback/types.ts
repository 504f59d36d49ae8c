// Feedback section types, from the API's OpenAPI document (src/api/schema.d.ts).

import type { components } from '@/api/schema'

type Schemas = components['schemas']

export type ProductReport = Schemas['FeedbackProductReport']
export type FeedbackIssue = Schemas['FeedbackIssue']
export type FeedbackQuote = Schemas['FeedbackQuote']
export type FeedbackSource = FeedbackQuote['source']
