// Shapes of the JSON of the API under /api/v1, named for the UI. They come from the OpenAPI document
// the server prints (`ecrm openapi`), generated into schema.d.ts at build time (npm run gen:types);
// each section re-exports its own from features/<section>/types.ts. Times are unix milliseconds (UTC).

import type { components, paths } from './schema'

type Schemas = components['schemas']

/** The JSON body a route takes, e.g. Body<'/api/v1/users', 'post'>. */
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export interface ErrorBody {
  error: {
    code: string
    message: string
    field?: string
  }
}

// auth
export type User = Schemas['MeUser']
export type LoginResponse = Schemas['LoginResult']
export type MeResponse = Schemas['Me']
export type TwoFactorStatus = Schemas['TwoFactorStatus']
export type TwoFactorEnrolment = Schemas['TwoFactorEnrolment']
export type RecoveryCodes = Schemas['RecoveryCodes']
export type TwoFactorRoles = Schemas['TwoFactorRoles']

// dashboard: the shop's day
export type ShopDay = Schemas['ShopDay']
export type SalesSection = Schemas['SalesSection']
export type SalesDay = Schemas['SalesDay']
export type SalesFigures = Schemas['SalesFigures']
export type CartFigures = Schemas['CartFigures']
export type MessageFigures = Schemas['MessageFigures']

// settings: the state of this server
export type SystemInfo = Schemas['SystemInfo']

// settings
export type CreateUserRequest = Body<'/api/v1/users', 'post'>
export type UpdateUserRequest = Body<'/api/v1/users/{id}', 'patch'>
export type UserRecord = Schemas['User']
export type CreateUserResponse = Schemas['CreatedUser']
export type ApiKey = Schemas['ApiKey']
export type CreatedApiKey = Schemas['CreatedApiKey']
export type ScopeInfo = Schemas['ScopeInfo']
export type RoleScopes = Schemas['RoleScopes']
export type AuditEntry = Schemas['AuditRecord']

// traffic
export type WriteKey = Schemas['WriteKeyView']
export type TrackedEvent = Schemas['StoredEvent']
export type LivePage = Schemas['LiveEvents']
export type NamedCount = Schemas['NamedCount']
export type TrafficOverview = Schemas['TrafficOverview']
export type Funnel = Schemas['Funnel']
export type Abandonment = Schemas['Abandonment']
export type ProductTraffic = Schemas['ProductTraffic']
export type CartItem = Schemas['CartItem']
export type TrackedCart = Schemas['Cart']

// customers
export type CustomerInput = Body<'/api/v1/customers/{id}', 'patch'>
export type Consent = Schemas['Consent']
export type Anniversary = Schemas['Anniversary']
export type Customer = Schemas['Customer']
export type DuplicatePair = Schemas['DuplicateCandidate']
export type MergeChange = Schemas['MergeChange']
export type MergeSnapshot = Schemas['MergeSnapshot']
export type Merge = Schemas['MergeView']
export type MergeOutcome = Schemas['MergeOutcome']
export type TimelineEntry = Schemas['TimelineEntry']
export type CurrencyRevenueSummary = Schemas['CurrencyRevenueView']
export type FavouriteCategory = Schemas['CategoryShare']
export type CustomerSummary = Schemas['CustomerSummaryView']

// catalog
export type ProductInput = Body<'/api/v1/products/{id}', 'patch'>
export type Category = Schemas['Category']
export type Product = Schemas['Product']
export type ProductSales = Schemas['ProductSales']
export type ProductConfiguration = Schemas['ProductConfiguration']
export type OptionGroup = Schemas['OptionGroup']
export type ProductOption = Schemas['ProductOption']
export type OptionRule = Schemas['OptionRule']
export type ProductConfigurationInput = Body<'/api/v1/products/{id}/configuration', 'put'>
export type ConfigureRequest = Body<'/api/v1/products/{id}/configure', 'post'>
export type ConfigurationQuote = Schemas['ConfigurationQuote']
export type ConfigurationProblem = Schemas['ConfigurationProblem']
export type ChosenOption = Schemas['ChosenOption']

// orders
export type StatusChangeRequest = Body<'/api/v1/orders/{id}/status', 'post'>
export type NewReturnRequest = Body<'/api/v1/orders/{id}/returns', 'post'>
export type OrderLine = Schemas['OrderLine']
export type StatusChange = Schemas['StatusChange']
export type Order = Schemas['Order']
export type OrderDetail = Schemas['OrderView']
export type ReturnLine = Schemas['ReturnLine']
export type OrderReturn = Schemas['Return']

// data
export type ImportRowError = Schemas['RowError']
export type ImportJob = Schemas['ImportJob']

// analytics
export type JobState = Schemas['RecomputeStatus']
export type ParetoReport = Schemas['ParetoReport']
export type GroupFigures = Schemas['GroupFigures']
export type RfmReport = Schemas['RfmReport']
export type TiersReport = Schemas['TierReport']
export type ClvDistribution = Schemas['Histogram']
export type Cohort = Schemas['CohortRow']
export type CohortReport = Schemas['CohortReport']
export type ChurnRisk = Schemas['ChurnRisk']
export type CustomerScores = Schemas['CustomerScores']
export type Window = Schemas['Profile7PWindow']
export type Profile7P = Schemas['Profile7P']

// recommend
export type ProductRef = Schemas['ProductRef']
export type Reason = Schemas['ReasonView']
export type RecommendedItem = Schemas['RecommendedItem']
export type CustomerClass = Schemas['InferredClass']
export type CustomerRecommendations = Schemas['CustomerRecommendations']
export type RelatedItem = Schemas['RelatedProduct']
export type RelatedList = Schemas['RelatedList']
export type Bundle = Schemas['Bundle']
export type Build = Schemas['StoredBuild']
export type RebuildState = Schemas['RebuildStatus']
export type RuleItem = Schemas['RuleItem']
export type RulePage = Schemas['RulePage']

// search
export type SearchResults = Schemas['SearchResults']
export type HitGroup = Schemas['HitGroup']
export type Hit = Schemas['Hit']
export type Highlight = Schemas['Highlight']
export type Segment = Schemas['Segment']

// marketing
export type MessageTemplate = Schemas['Template']
export type TemplateInput = Body<'/api/v1/message-templates/{key}/{language}', 'put'>
export type PreviewRequest = Body<'/api/v1/message-templates/preview', 'post'>
export type RenderedMessage = Schemas['Rendered']
export type OutboxMessage = Schemas['Message']
export type OutboxStats = Schemas['OutboxStats']
export type ReplyStats = Schemas['ReplyStats']
export type Flow = Schemas['Flow']
export type CarePolicy = Schemas['CarePolicy']
export type PolicyRow = Schemas['PolicyRow']
export type RunSummary = Schemas['RunSummary']
export type ReleaseRequest = Body<'/api/v1/automation/releases', 'post'>
export type FlowDefinition = Schemas['FlowDefinition']
export type FlowTrigger = Schemas['Trigger']
export type FlowCondition = Schemas['Condition']
export type FlowStep = Schemas['Step']
export type SplitVariant = Schemas['Variant']
export type FlowInput = Body<'/api/v1/automation/flows/{key}', 'put'>
export type Enrolment = Schemas['Enrolment']
export type EnrolRequest = Body<'/api/v1/automation/flows/{key}/enrol', 'post'>
export type EnrolResult = Schemas['EnrolResult']
export type Follow = Schemas['Follow']
export type FollowInput = Body<'/api/v1/follows', 'post'>
export type Campaign = Schemas['Campaign']
export type CampaignInput = Body<'/api/v1/campaigns', 'post'>
export type CampaignResults = Schemas['CampaignResults']
export type AudienceSize = Schemas['AudienceSize']
export type AudienceRequest = Body<'/api/v1/campaigns/audience', 'post'>
export type CustomerQuery = Schemas['CustomerQuery']
export type SendingRules = Schemas['SendingRules']
export type Suppression = Schemas['Suppression']
export type SuppressionInput = Body<'/api/v1/suppressions', 'post'>
export type MessageEventRecord = Schemas['MessageEvent']
export type FlowStats = Schemas['FlowStats']
export type TestSendRequest = Body<'/api/v1/message-templates/test-send', 'post'>
export type TestSendResult = Schemas['TestSendResult']

// service: tickets, their conversation and SLA, macros
export type Ticket = Schemas['TicketView']
export type TicketSummary = Schemas['TicketSummary']
export type SlaView = Schemas['SlaView']
export type Interaction = Schemas['Interaction']
export type TicketEvent = Schemas['TicketEvent']
export type Macro = Schemas['Macro']
export type ReplyResult = Schemas['ReplyResult']
export type Attachment = Schemas['Attachment']
export type ServiceSummary = Schemas['ServiceSummary']
export type ServiceContract = Schemas['ServiceContract']
export type TicketInput = Body<'/api/v1/tickets', 'post'>
export type TicketPatch = Body<'/api/v1/tickets/{id}', 'patch'>
export type ReplyInput = Body<'/api/v1/tickets/{id}/replies', 'post'>
export type TicketQuery = NonNullable<paths['/api/v1/tickets']['get']['parameters']['query']>
