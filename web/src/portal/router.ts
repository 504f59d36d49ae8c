// The portal's pages under /portal/. Every page but sign-in needs a portal session; without one
// the customer is sent to sign in.

import { createRouter, createWebHistory } from 'vue-router'
import { ensurePortalSession } from './session'

export const portalRouter = createRouter({
  history: createWebHistory('/portal/'),
  routes: [
    { path: '/', redirect: { name: 'orders' } },
    { path: '/sign-in', name: 'sign-in', component: () => import('./views/SignInView.vue'), meta: { public: true } },
    { path: '/orders', name: 'orders', component: () => import('./views/OrdersView.vue') },
    { path: '/orders/:id(\\d+)', name: 'order', component: () => import('./views/OrderView.vue'), props: true },
    { path: '/tickets', name: 'tickets', component: () => import('./views/TicketsView.vue') },
    { path: '/tickets/:id(\\d+)', name: 'ticket', component: () => import('./views/TicketView.vue'), props: true },
    { path: '/returns', name: 'returns', component: () => import('./views/ReturnsView.vue') },
    { path: '/warranty', name: 'warranty', component: () => import('./views/WarrantyView.vue') },
    { path: '/profile', name: 'profile', component: () => import('./views/ProfileView.vue') },
    { path: '/data', name: 'data', component: () => import('./views/DataView.vue') },
    { path: '/:rest(.*)*', redirect: { name: 'orders' } },
  ],
})

portalRouter.beforeEach(async (to) => {
  if (to.meta.public) return true
  const profile = await ensurePortalSession()
  return profile ? true : { name: 'sign-in' }
})
