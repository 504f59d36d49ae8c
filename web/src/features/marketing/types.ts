// Shapes of the messaging and automation JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type {
  AudienceRequest,
  AudienceSize,
  Campaign,
  CampaignInput,
  CampaignResults,
  CarePolicy,
  CustomerQuery,
  EnrolRequest,
  EnrolResult,
  Enrolment,
  Flow,
  FlowCondition,
  FlowDefinition,
  FlowInput,
  FlowStats,
  FlowStep,
  FlowTrigger,
  Follow,
  FollowInput,
  MessageEventRecord,
  MessageTemplate,
  OutboxMessage,
  OutboxStats,
  PolicyRow,
  PreviewRequest,
  ReleaseRequest,
  RenderedMessage,
  ReplyStats,
  RunSummary,
  SendingRules,
  SplitVariant,
  Suppression,
  SuppressionInput,
  TemplateInput,
  TestSendRequest,
  TestSendResult,
} from '@/api/types'
import type { Campaign, FlowCondition, FlowDefinition, FlowStep, FlowTrigger, Follow, OutboxMessage } from '@/api/types'

export type MessageStatus = OutboxMessage['status']
export type MessageKind = OutboxMessage['kind']

export const MESSAGE_STATUSES: readonly MessageStatus[] = ['queued', 'sending', 'sent', 'failed', 'bounced', 'suppressed']

/** The statuses of messages that were not delivered (each says why in `reason`). */
export const PROBLEM_STATUSES: readonly MessageStatus[] = ['failed', 'bounced', 'suppressed']

export const MESSAGE_KINDS: readonly MessageKind[] = ['marketing', 'transactional']

/** The languages templates are written in (the server refuses others). */
export const TEMPLATE_LANGUAGES = ['en', 'zh-CN'] as const
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number]

/** The outbox list's filters (`GET /api/v1/messages`); not in the OpenAPI document's types. */
export interface MessageFilter {
  customer?: number | null
  status?: MessageStatus | ''
  source?: string
}

/** A template key as the server accepts it (a-z, 0-9, '_' and '-'). */
export const TEMPLATE_KEY_PATTERN = /^[a-z0-9_-]{1,100}$/

export type TriggerKind = FlowTrigger['kind']
export type ConditionField = FlowCondition['field']
export type ConditionOp = FlowCondition['op']
export type StepType = FlowStep['type']
export type CampaignStatus = Campaign['status']
export type FollowKind = Follow['target_kind']

// Every member of the server's enumerations, in its order: a Record over the generated type fails
// to compile when the server adds or drops one.
const TRIGGER_SET: Record<TriggerKind, true> = {
  manual: true,
  birthday: true,
  anniversary: true,
  first_order_anniversary: true,
  new_version: true,
  cart_abandoned: true,
  order_placed: true,
  order_shipped: true,
  order_delivered: true,
  inactivity: true,
  tier_entered: true,
  tier_left: true,
  segment_entered: true,
  segment_left: true,
  p_alive_below: true,
  followed_changed: true,
}
export const TRIGGER_KINDS = Object.keys(TRIGGER_SET) as TriggerKind[]

const FIELD_SET: Record<ConditionField, true> = {
  tier: true,
  segment: true,
  clv: true,
  p_alive: true,
  email_consent: true,
  tags: true,
  customer_type: true,
  language: true,
  days_since_contact: true,
  days_since_order: true,
  bought_product: true,
  bought_category: true,
  total_spend: true,
}
export const CONDITION_FIELDS = Object.keys(FIELD_SET) as ConditionField[]

const STEP_SET: Record<StepType, true> = {
  send: true,
  wait: true,
  branch: true,
  split: true,
  tag: true,
  task: true,
  webhook: true,
  exit: true,
}
export const STEP_TYPES = Object.keys(STEP_SET) as StepType[]

export const CARE_KINDS: readonly NonNullable<FlowTrigger['care']>[] = ['card', 'recommendations']
export const CHANGE_KINDS: readonly NonNullable<FlowTrigger['change']>[] = ['new_version', 'back_in_stock', 'price_drop']
export const ON_CAP: readonly NonNullable<FlowDefinition['on_cap']>[] = ['reschedule', 'drop']

export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['draft', 'scheduled', 'sent', 'cancelled']

/** The flows the server ships: they can be changed and turned off, not deleted (409). */
export const SHIPPED_FLOWS: readonly string[] = [
  'birthday_card',
  'birthday_recommendations',
  'anniversary_card',
  'anniversary_recommendations',
  'new_version',
  'cart_recovery',
  'win_back',
]

/** A flow key as the server accepts it (a-z, 0-9, '_' and '-'). */
export const FLOW_KEY_PATTERN = TEMPLATE_KEY_PATTERN

/** `next` naming no step: the flow ends there. */
export const END_STEP = 'end'
