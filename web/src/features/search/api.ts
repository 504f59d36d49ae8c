// The search box: one function per API route.

import { http } from '@/shared/api'
import type { SearchResults } from '@/features/search/types'

/** Hits per group the search box asks for (the server allows 1 to 20). */
export const SEARCH_LIMIT = 5

export const searchApi = {
  /**
   * Customers, orders and products matching `q` (1 to 200 characters), `limit` of each. Errors are
   * not shown to the user (the box shows them itself); `signal` cancels a request overtaken by typing.
   */
  search: (q: string, limit = SEARCH_LIMIT, signal?: AbortSignal) =>
    http.get<SearchResults>('/search', { query: { q, limit }, quiet: true, signal }),
}
