// Routes of the staff UI. Every page but /login needs a session; some need a role.

import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { i18n } from '@/i18n'
import { ensureSession, hasRole, session } from '@/session'
import type { Role } from '@/api/types'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    titleKey?: string
    /** Pages reachable without a session. */
    public?: boolean
    /** Roles allowed to open the page; any signed-in user when absent. */
    roles?: Role[]
    /** Capability shown by the shared "coming soon" page. */
    capability?: ComingSoonCapability
    /** Menu entry to highlight when it is not the page's own path (e.g. a detail page). */
    menu?: string
  }
}

export type ComingSoonCapability = 'marketing' | 'service' | 'community' | 'partners'

const COMING_SOON: ComingSoonCapability[] = [
  'marketing',
  'service',
  'community',
  'partners',
]

const ComingSoonView = () => import('@/views/ComingSoonView.vue')

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { public: true, titleKey: 'login.title' },
  },
  {
    path: '/',
    component: () => import('@/layouts/MainLayout.vue'),
    children: [
      { path: '', redirect: { name: 'dashboard' } },
      {
        path: 'dashboard',
        name: 'dashboard',
        component: () => import('@/views/DashboardView.vue'),
        meta: { titleKey: 'nav.dashboard' },
      },
      {
        path: 'analytics',
        name: 'analytics',
        component: () => import('@/views/analytics/AnalyticsView.vue'),
        meta: { titleKey: 'nav.analytics', roles: ['admin', 'analyst', 'marketing', 'sales'] },
      },
      {
        path: 'analytics/model',
        name: 'analytics-model',
        component: () => import('@/views/analytics/AnalyticsModelView.vue'),
        meta: { titleKey: 'analytics.modelPage.title', roles: ['admin', 'analyst', 'marketing', 'sales'] },
      },
      {
        path: 'traffic',
        name: 'traffic',
        component: () => import('@/views/traffic/TrafficDashboardView.vue'),
        meta: { titleKey: 'nav.trafficDashboard' },
      },
      {
        path: 'traffic/live',
        name: 'traffic-live',
        component: () => import('@/views/traffic/LiveEventsView.vue'),
        meta: { titleKey: 'nav.trafficLive' },
      },
      {
        path: 'traffic/snippet',
        name: 'traffic-snippet',
        component: () => import('@/views/traffic/SnippetView.vue'),
        meta: { titleKey: 'nav.trafficSnippet', roles: ['admin', 'marketing'] },
      },
      {
        path: 'customers',
        name: 'customers',
        component: () => import('@/views/customers/CustomerListView.vue'),
        meta: { titleKey: 'nav.customers' },
      },
      {
        path: 'customers/duplicates',
        name: 'customer-duplicates',
        component: () => import('@/views/customers/DuplicatesView.vue'),
        meta: { titleKey: 'nav.duplicates' },
      },
      {
        path: 'customers/:id(\\d+)',
        name: 'customer',
        component: () => import('@/views/customers/Customer360View.vue'),
        meta: { titleKey: 'nav.customer', menu: '/customers' },
      },
      {
        path: 'orders',
        name: 'orders',
        component: () => import('@/views/orders/OrderListView.vue'),
        meta: { titleKey: 'nav.orders' },
      },
      {
        path: 'orders/:id(\\d+)',
        name: 'order',
        component: () => import('@/views/orders/OrderView.vue'),
        meta: { titleKey: 'nav.order', menu: '/orders' },
      },
      {
        path: 'catalog',
        name: 'catalog',
        component: () => import('@/views/catalog/ProductListView.vue'),
        meta: { titleKey: 'nav.products' },
      },
      {
        path: 'catalog/products/:id(\\d+)',
        name: 'product',
        component: () => import('@/views/catalog/ProductView.vue'),
        meta: { titleKey: 'nav.product', menu: '/catalog' },
      },
      {
        path: 'catalog/categories',
        name: 'catalog-categories',
        component: () => import('@/views/catalog/CategoriesView.vue'),
        meta: { titleKey: 'nav.categories' },
      },
      {
        path: 'import',
        name: 'import',
        component: () => import('@/views/data/ImportView.vue'),
        meta: { titleKey: 'nav.import', roles: ['admin', 'marketing', 'sales', 'analyst'] },
      },
      {
        path: 'analytics/rules',
        name: 'recommend-rules',
        component: () => import('@/views/recommend/RulesExplorerView.vue'),
        meta: { titleKey: 'recommend.rules.title', menu: '/analytics' },
      },
      ...COMING_SOON.map<RouteRecordRaw>((capability) => ({
        path: capability,
        name: capability,
        component: ComingSoonView,
        meta: { titleKey: `nav.${capability}`, capability },
      })),
      {
        path: 'settings',
        name: 'settings',
        redirect: () => (hasRole('admin') ? { name: 'settings-users' } : { name: 'settings-api-keys' }),
      },
      {
        path: 'settings/users',
        name: 'settings-users',
        component: () => import('@/views/settings/UsersView.vue'),
        meta: { titleKey: 'nav.users', roles: ['admin'] },
      },
      {
        path: 'settings/api-keys',
        name: 'settings-api-keys',
        component: () => import('@/views/settings/ApiKeysView.vue'),
        meta: { titleKey: 'nav.apiKeys' },
      },
      {
        path: 'settings/audit',
        name: 'settings-audit',
        component: () => import('@/views/settings/AuditView.vue'),
        meta: { titleKey: 'nav.audit', roles: ['admin'] },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/NotFoundView.vue'),
        meta: { titleKey: 'notFound.title' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})

/** Only same-site paths may be used as the post-login target. */
export function safeRedirect(target: unknown): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//')) return '/'
  if (target.startsWith('/login')) return '/'
  return target
}

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
  if (to.meta.roles && !to.meta.roles.includes(user.role)) {
    return { name: 'dashboard' }
  }
  return true
})

export function updateDocumentTitle(): void {
  const key = router.currentRoute.value.meta.titleKey
  const app = i18n.global.t('app.name')
  document.title = key ? `${i18n.global.t(key)} · ${app}` : app
}

router.afterEach(() => updateDocumentTitle())
