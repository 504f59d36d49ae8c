// The community's pages for customers and visitors, in the portal's page at /community (the
// server serves portal.html there). Anyone may read; posting needs the portal's session.

import type { RouteLocationRaw, RouteRecordRaw } from 'vue-router'

export const communityRoutes: RouteRecordRaw[] = [
  { path: '/community', name: 'community', component: () => import('./CommunityHome.vue'), meta: { public: true, community: true } },
  {
    path: '/community/boards/:id(\\d+)',
    name: 'community-board',
    component: () => import('./BoardPage.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { public: true, community: true },
  },
  {
    path: '/community/threads/:id(\\d+)',
    name: 'community-thread',
    component: () => import('./ThreadPage.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { public: true, community: true },
  },
  { path: '/community/new', name: 'community-new', component: () => import('./NewThreadPage.vue'), meta: { community: true } },
  {
    path: '/community/search',
    name: 'community-search',
    component: () => import('./SearchPage.vue'),
    meta: { public: true, community: true },
  },
  {
    path: '/community/kb/:id(\\d+)',
    name: 'community-article',
    component: () => import('./ArticlePage.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { public: true, community: true },
  },
  { path: '/community/:rest(.*)*', redirect: { name: 'community' } },
]

/** The sign-in page, coming back to `next` (a community or portal path) once signed in. */
export function signInRoute(next: string): RouteLocationRaw {
  return { name: 'sign-in', query: { next } }
}

const NEXT_KEY = 'ecrm.portal.next'

/** Only the portal's and the community's own paths are places to come back to. */
export function safeNext(value: unknown): string | null {
  if (typeof value !== 'string' || value.startsWith('//')) return null
  return value === '/community' || value.startsWith('/community/') || value.startsWith('/portal/') ? value : null
}

/** Kept across the mailed link (which may open in another tab). */
export function rememberNext(value: unknown): void {
  const next = safeNext(value)
  try {
    if (next) localStorage.setItem(NEXT_KEY, next)
    else localStorage.removeItem(NEXT_KEY)
  } catch {
    // Storage unavailable: the customer lands on their orders.
  }
}

export function takeNext(): string | null {
  try {
    const next = safeNext(localStorage.getItem(NEXT_KEY))
    localStorage.removeItem(NEXT_KEY)
    return next
  } catch {
    return null
  }
}
