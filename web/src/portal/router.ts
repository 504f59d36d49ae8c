// The portal's pages under /portal/, and the community's pages for customers and visitors under
// /community (the server serves this page at both). Every portal page but sign-in needs a portal
// session; without one the customer is sent to sign in, coming back afterwards. The community's
// pages are readable by visitors.

import { createRouter, createWebHistory } from 'vue-router'
import { communityRoutes } from '@/features/community/portal/routes'
import { portalAdvisorRoutes } from '@/features/advisor/portal/routes'
import { portalReferralRoutes } from '@/features/referrals/portal/routes'
import { ensurePortalSession } from './session'

export const portalRouter = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/portal', redirect: { name: 'orders' } },
    { path: '/portal/sign-in', name: 'sign-in', component: () => import('./views/SignInView.vue'), meta: { public: true } },
    { path: '/portal/orders', name: 'orders', component: () => import('./views/OrdersView.vue') },
    { path: '/portal/orders/:id(\\d+)', name: 'order', component: () => import('./views/OrderView.vue'), props: true },
    { path: '/portal/tickets', name: 'tickets', component: () => import('./views/TicketsView.vue') },
    { path: '/portal/tickets/:id(\\d+)', name: 'ticket', component: () => import('./views/TicketView.vue'), props: true },
    { path: '/portal/returns', name: 'returns', component: () => import('./views/ReturnsView.vue') },
    { path: '/portal/warranty', name: 'warranty', component: () => import('./views/WarrantyView.vue') },
    { path: '/portal/profile', name: 'profile', component: () => import('./views/ProfileView.vue') },
    { path: '/portal/data', name: 'data', component: () => import('./views/DataView.vue') },
    ...portalReferralRoutes,
    ...portalAdvisorRoutes,
    ...communityRoutes,
    { path: '/:rest(.*)*', redirect: { name: 'orders' } },
  ],
  scrollBehavior(to) {
    return to.hash ? { el: to.hash } : { top: 0 }
  },
})

portalRouter.beforeEach(async (to) => {
  if (to.meta.public) return true
  const profile = await ensurePortalSession()
  if (profile) return true
  return to.meta.community ? { name: 'sign-in', query: { next: to.fullPath } } : { name: 'sign-in' }
})
