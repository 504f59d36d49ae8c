// Shapes of the search box's JSON (GET /api/v1/search), generated from the OpenAPI document.
// A group is absent when the caller may not read its records; groups come in the order
// customers, orders, products, each hit with the fields that matched and their matches marked.

export type { Highlight, Hit, HitGroup, SearchResults, Segment } from '@/api/types'
import type { Hit } from '@/api/types'

/** How a record matched, best first: exact, prefix, substring. */
export type MatchRank = Hit['rank']

/** The kinds of record the search box opens; a group of another kind is not shown. */
export const SEARCH_KINDS = ['customers', 'orders', 'products'] as const
export type SearchKind = (typeof SEARCH_KINDS)[number]
