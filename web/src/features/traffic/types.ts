// Shapes of the visitor tracking and traffic JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type {
  Abandonment,
  CartItem,
  Funnel,
  LivePage,
  NamedCount,
  ProductTraffic,
  TrackedCart,
  TrackedEvent,
  TrafficOverview,
  WriteKey,
} from '@/api/types'

/** A time window in unix milliseconds, [from, to). */
export interface TrafficWindow {
  from: number
  to: number
}
