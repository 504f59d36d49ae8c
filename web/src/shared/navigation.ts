// "Back" buttons of detail pages: return to the page the user came from (keeping its search and
// filters) when there is one inside the app, else open the given list.

import type { RouteLocationRaw, Router } from 'vue-router'

export function goBack(router: Router, fallback: RouteLocationRaw): void {
  const state = window.history.state as { back?: unknown } | null
  if (state && typeof state.back === 'string') router.back()
  else void router.push(fallback)
}

/** Only same-site paths may be used as the post-login target. */
export function safeRedirect(target: unknown): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//')) return '/'
  if (target.startsWith('/login')) return '/'
  return target
}
