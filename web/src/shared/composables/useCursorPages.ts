// Page-by-page browsing of a cursor-paginated list (`{items, next_cursor}`).
//
// Cursors are opaque and only go forward, so the cursors of the pages already seen are kept to
// be able to go back: cursors[i] loads page i (null = the first page). Answers to requests that
// were overtaken by a newer one (e.g. while the user types a search) are dropped.

import { computed, ref, watch, type Ref } from 'vue'
import type { PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'

export const PAGE_SIZES = [20, 50, 100]

export function useCursorPages<T>(fetchPage: (page: PageQuery) => Promise<Page<T>>, initialSize = PAGE_SIZES[0]!) {
  const items = ref([]) as Ref<T[]>
  const loading = ref(false)
  const loaded = ref(false)
  const pageSize = ref(initialSize)
  const cursors = ref<(string | null)[]>([null])
  const pageIndex = ref(0)
  const nextCursor = ref<string | null>(null)
  let generation = 0

  async function loadPage(index: number): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const page = await fetchPage({ limit: pageSize.value, cursor: cursors.value[index] ?? null })
      if (mine !== generation) return
      if (page.items.length === 0 && index > 0) {
        // The previous page ended exactly at the end of the list: stay there, with no next page.
        nextCursor.value = null
        cursors.value = cursors.value.slice(0, index)
        return
      }
      items.value = page.items
      pageIndex.value = index
      nextCursor.value = page.next_cursor
      cursors.value = cursors.value.slice(0, index + 1)
      if (page.next_cursor) cursors.value.push(page.next_cursor)
      loaded.value = true
    } catch {
      // the client already showed the server's message
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Starts again from the first page (after the filters changed). */
  function restart(): Promise<void> {
    cursors.value = [null]
    return loadPage(0)
  }

  /** Reloads the page being shown. */
  function reload(): Promise<void> {
    return loadPage(pageIndex.value)
  }

  watch(pageSize, () => void restart())

  return {
    items,
    loading,
    loaded,
    pageSize,
    pageIndex,
    hasPrevious: computed(() => pageIndex.value > 0),
    hasNext: computed(() => nextCursor.value !== null),
    next: () => loadPage(pageIndex.value + 1),
    previous: () => loadPage(pageIndex.value - 1),
    restart,
    reload,
  }
}

/**
 * A list read a page at a time and shown whole ("load more"): load() reads the first page again,
 * load(true) appends the next one. Answers overtaken by a newer request are dropped.
 */
export function useMorePages<T>(fetchPage: (page: PageQuery) => Promise<Page<T>>, limit: number) {
  const items = ref([]) as Ref<T[]>
  const loading = ref(false)
  const nextCursor = ref<string | null>(null)
  let generation = 0

  async function load(more = false): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const page = await fetchPage({ limit, cursor: more ? nextCursor.value : null })
      if (mine !== generation) return
      items.value = more ? [...items.value, ...page.items] : page.items
      nextCursor.value = page.next_cursor
    } catch {
      // the client already showed the server's message
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  return { items, loading, nextCursor, load }
}
