// As-you-type search: the text is searched once typing pauses, and only the answer to the latest
// text is kept — an answer that arrives after the text changed again is dropped (and its request
// cancelled), so a slow answer to "wa" never replaces the one to "wang".

import { onBeforeUnmount, ref, shallowRef, watch } from 'vue'
import { ApiError } from '@/shared/api'
import { searchApi } from '@/features/search/api'
import type { SearchResults } from '@/features/search/types'

/** The pause after the last keystroke before searching. */
export const TYPING_PAUSE_MS = 150

export function useSearch() {
  /** What the user typed. */
  const text = ref('')
  /** The answer for `answered`, or null before the first answer and after the text is cleared. */
  const results = shallowRef<SearchResults | null>(null)
  /** The trimmed text `results` answers. */
  const answered = ref('')
  /** True from a keystroke until the answer for the text is in. */
  const pending = ref(false)
  /** The server's message when the latest search failed. */
  const error = ref<string | null>(null)

  let timer: ReturnType<typeof setTimeout> | undefined
  let inflight: AbortController | null = null
  // Bumped on every change of the text: an answer is kept only if nothing changed since its request.
  let generation = 0

  function cancel() {
    clearTimeout(timer)
    inflight?.abort()
    inflight = null
    generation++
  }

  async function run(q: string, mine: number) {
    const controller = new AbortController()
    inflight = controller
    try {
      const answer = await searchApi.search(q, undefined, controller.signal)
      if (mine !== generation) return
      results.value = answer
      answered.value = q
      error.value = null
    } catch (e) {
      if (mine !== generation) return
      results.value = null
      answered.value = q
      error.value = e instanceof ApiError ? e.message : String(e)
    } finally {
      if (inflight === controller) inflight = null
      if (mine === generation) pending.value = false
    }
  }

  watch(text, (value) => {
    cancel()
    const q = value.trim()
    if (!q) {
      results.value = null
      answered.value = ''
      error.value = null
      pending.value = false
      return
    }
    if (q === answered.value && !error.value) {
      // Back to the text already answered (e.g. a space typed and removed).
      pending.value = false
      return
    }
    pending.value = true
    const mine = generation
    timer = setTimeout(() => void run(q, mine), TYPING_PAUSE_MS)
  })

  onBeforeUnmount(cancel)

  return { text, results, answered, pending, error }
}
