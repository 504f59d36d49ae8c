// The recommendations rebuild as the pages that offer it see it: the job's state, whether the
// user may start one, and start() that asks for a rebuild (or follows the one already running)
// and polls until it has finished, then calls `onDone`. Polling stops when the component goes.

import { computed, getCurrentInstance, onBeforeUnmount, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ApiError } from '@/shared/api'
import { recommendApi } from '@/features/recommend/api'
import type { RebuildState } from '@/features/recommend/types'
import { can } from '@/shared/session'
import { ElMessage } from '@/shared/feedback'

const POLL_MS = 1000

export function useRecommendRebuild(onDone: () => void | Promise<void>) {
  const { t } = useI18n()
  const state = ref<RebuildState | null>(null)
  const following = ref(false)
  const canRebuild = computed(() => can('recommendations:write'))
  const running = computed(() => following.value || state.value?.state === 'running' || state.value?.state === 'queued')
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false

  /** Reads the job's state (quietly: a page shows its own errors). */
  async function refresh(): Promise<RebuildState | null> {
    try {
      state.value = await recommendApi.state()
    } catch {
      // keep the last known state
    }
    return state.value
  }

  function stop() {
    if (timer) clearTimeout(timer)
    timer = null
    following.value = false
  }

  /** Polls until the job is idle with a finish time other than `finishedBefore`. */
  function follow(finishedBefore: number | null) {
    following.value = true
    const tick = async () => {
      if (stopped) return
      const s = await refresh()
      if (s && s.state === 'idle' && s.finished_at !== finishedBefore) {
        following.value = false
        timer = null
        if (s.last_status === 'failed') ElMessage.error(t('recommend.rules.rebuildFailed', { error: s.last_error }))
        else ElMessage.success(t('recommend.rules.rebuildDone'))
        await onDone()
        return
      }
      timer = setTimeout(tick, POLL_MS)
    }
    timer = setTimeout(tick, POLL_MS)
  }

  /** Starts a rebuild, or follows the one that is running, until it ends. */
  async function start(): Promise<void> {
    if (following.value) return
    const before = (await refresh())?.finished_at ?? null
    try {
      state.value = await recommendApi.rebuild()
      ElMessage.success(t('recommend.rules.rebuildStarted'))
    } catch (e) {
      // 409: one is running already (another user, or the nightly build): follow it.
      if (!(e instanceof ApiError && e.status === 409)) {
        ElMessage.error(e instanceof Error ? e.message : String(e))
        return
      }
    }
    follow(before)
  }

  if (getCurrentInstance()) {
    onBeforeUnmount(() => {
      stopped = true
      stop()
    })
  }

  return { state, running, canRebuild, refresh, start }
}
