// Something a page shows, read from the API: its data, whether it is loading, the error of the
// last attempt and whether that was a 404. With `watch`, it is read again whenever the source
// changes (e.g. the route's id); an answer overtaken by a newer request is dropped.
//
//   const { data: order, loading, missing, load } = useResource(() => ordersApi.getOrder(id.value), { watch: id })

import { computed, ref, watch as watchSource, type Ref, type WatchSource } from 'vue'
import { ApiError } from '@/shared/api'

export interface ResourceOptions {
  /** Read again when this changes (and at once). Without it, the resource is read at once. */
  watch?: WatchSource<unknown>
  /** Do not read until load() is called. */
  lazy?: boolean
  /** Keep the last data when a later read fails (e.g. a periodic refresh). */
  keepOnError?: boolean
}

export function useResource<T>(fetch: () => Promise<T>, options: ResourceOptions = {}) {
  const data = ref(null) as Ref<T | null>
  const loading = ref(false)
  const error = ref<unknown>(null)
  let generation = 0

  /** Reads the resource; resolves once it is read or failed (errors end up in `error`). */
  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const value = await fetch()
      if (mine !== generation) return
      data.value = value
      error.value = null
    } catch (e) {
      if (mine !== generation) return
      if (!options.keepOnError) data.value = null
      error.value = e
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  if (options.watch) watchSource(options.watch, () => void load(), { immediate: !options.lazy })
  else if (!options.lazy) void load()

  return {
    data,
    loading,
    error,
    failed: computed(() => error.value !== null),
    missing: computed(() => error.value instanceof ApiError && error.value.status === 404),
    load,
  }
}
