// List filters kept in the address (?q=…&type=…), so "back" from a detail page returns to the same
// list. Each filter says how it is read from and written to the query; typed text applies after a
// short pause, choices at once, and every change calls `onChange` (e.g. to reload from page one).
// A link to the same list with other filters (e.g. the header's search box) sets them too.
//
//   const { filters, reset } = useRouteFilters({ q: textFilter(), type: choiceFilter(TYPES) }, () => pager.restart())

import { reactive, watch } from 'vue'
import { useRoute, useRouter, type LocationQuery } from 'vue-router'

export interface Filter<T> {
  empty: T
  read(query: LocationQuery, name: string): T
  write(value: T, name: string): Record<string, string>
  /** Typed by the user: applied after a pause. */
  typed?: boolean
}

const TYPING_MS = 350

function text(query: LocationQuery, name: string): string {
  const value = query[name]
  return typeof value === 'string' ? value : ''
}

/** Free text, trimmed in the address. */
export function textFilter(): Filter<string> {
  return {
    empty: '',
    typed: true,
    read: text,
    write: (value, name) => (value.trim() ? { [name]: value.trim() } : {}),
  }
}

/** One of a list of values, or '' for any. */
export function choiceFilter<T extends string>(choices: readonly T[]): Filter<T | ''> {
  return {
    empty: '',
    read: (query, name) => {
      const value = text(query, name)
      return (choices as readonly string[]).includes(value) ? (value as T) : ''
    },
    write: (value, name) => (value ? { [name]: value } : {}),
  }
}

/** A record's id, or null for any. */
export function idFilter(): Filter<number | null> {
  return {
    empty: null,
    read: (query, name) => {
      const value = Number(text(query, name))
      return Number.isInteger(value) && value > 0 ? value : null
    },
    write: (value, name) => (value ? { [name]: String(value) } : {}),
  }
}

/** A range of days ["YYYY-MM-DD", "YYYY-MM-DD"] kept as ?from=…&to=…. */
export function dayRangeFilter(): Filter<string[] | null> {
  return {
    empty: null,
    read: (query) => (text(query, 'from') && text(query, 'to') ? [text(query, 'from'), text(query, 'to')] : null),
    write: (value): Record<string, string> => (value?.[0] && value[1] ? { from: value[0], to: value[1] } : {}),
  }
}

type Values<F> = { [K in keyof F]: F[K] extends Filter<infer T> ? T : never }

export function useRouteFilters<F extends Record<string, Filter<unknown>>>(fields: F, onChange: () => void) {
  const route = useRoute()
  const router = useRouter()
  const path = route.path
  const entries = Object.entries(fields) as [keyof F & string, Filter<unknown>][]
  const filters = reactive(Object.fromEntries(entries.map(([name, f]) => [name, f.read(route.query, name)]))) as Values<F>
  const values = filters as Record<string, unknown>
  let typing: ReturnType<typeof setTimeout> | undefined

  /** The query the filters write, and its text (the same filters give the same text). */
  function written(read: (name: string, f: Filter<unknown>) => unknown) {
    const query: Record<string, string> = {}
    for (const [name, f] of entries) Object.assign(query, f.write(read(name, f), name))
    return { query, key: JSON.stringify(query) }
  }
  const fromValues = () => written((name) => values[name])
  const fromRoute = (query: LocationQuery) => written((name, f) => f.read(query, name))

  // The filters the list was last loaded with.
  let applied = fromRoute(route.query).key

  function apply() {
    clearTimeout(typing)
    const { query, key } = fromValues()
    if (key === applied) return
    applied = key
    void router.replace({ query })
    onChange()
  }

  const typed = entries.filter(([, f]) => f.typed).map(([name]) => name)
  const chosen = entries.filter(([, f]) => !f.typed).map(([name]) => name)
  watch(
    () => typed.map((name) => values[name]),
    () => {
      clearTimeout(typing)
      typing = setTimeout(apply, TYPING_MS)
    },
  )
  watch(() => chosen.map((name) => values[name]), apply)

  // Another address of this list (a link with other filters) replaces the filters.
  watch(
    () => route.query,
    (query) => {
      if (route.path !== path) return
      const { key } = fromRoute(query)
      if (key === applied) return
      clearTimeout(typing)
      for (const [name, f] of entries) values[name] = f.read(query, name)
      applied = key
      onChange()
    },
  )

  /** Clears every filter (the watchers apply the change). */
  function reset() {
    for (const [name, f] of entries) values[name] = f.empty
  }

  return { filters, apply, reset }
}
