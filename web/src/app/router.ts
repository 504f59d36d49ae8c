// Routes of the staff UI, built from the sections in features/. Every page but /login needs a
// session; a page whose meta names a scope needs that scope too.

import { createRouter, createWebHistory } from 'vue-router'
import { features } from '@/features'
import { i18n } from '@/shared/i18n'
import { safeRedirect } from '@/shared/navigation'
import { can, ensureSession, session } from '@/shared/session'

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    ...features.flatMap((feature) => feature.outerRoutes ?? []),
    {
      path: '/',
      component: () => import('./MainLayout.vue'),
      children: [
        { path: '', redirect: { name: 'dashboard' } },
        ...features.flatMap((feature) => feature.routes),
        {
          path: ':pathMatch(.*)*',
          name: 'not-found',
          component: () => import('./NotFoundView.vue'),
          meta: { titleKey: 'notFound.title' },
        },
      ],
    },
  ],
})

router.beforeEach(async (to) => {
  let user
  try {
    user = await ensureSession()
  } catch {
    // Server unreachable: let public pages render, send the rest to the login page.
    user = session.user
  }
  if (to.meta.public) {
    if (to.name === 'login' && user) return safeRedirect(to.query.redirect)
    return true
  }
  if (!user) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  // A role that asks for two-factor sign-in: nothing but setting it up until it is.
  if (session.twoFactorEnrolmentRequired && to.name !== 'settings-security') return { name: 'settings-security' }
  if (!can(to.meta.scope)) return { name: 'dashboard' }
  return true
})

export function updateDocumentTitle(): void {
  const key = router.currentRoute.value.meta.titleKey
  const app = i18n.global.t('app.name')
  document.title = key ? `${i18n.global.t(key)} · ${app}` : app
}

router.afterEach(() => updateDocumentTitle())
