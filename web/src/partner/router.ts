// The partner portal's pages under /partner/. Every page but sign-in needs a partner session;
// without one the user is sent to sign in.

import { createRouter, createWebHistory } from 'vue-router'
import { ensurePartnerSession } from './session'

export const partnerRouter = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/partner', redirect: { name: 'lines' } },
    { path: '/partner/sign-in', name: 'sign-in', component: () => import('./views/SignInView.vue'), meta: { public: true } },
    { path: '/partner/lines', name: 'lines', component: () => import('./views/LinesView.vue') },
    { path: '/partner/products', name: 'products', component: () => import('./views/ProductsView.vue') },
    { path: '/partner/leads', name: 'leads', component: () => import('./views/LeadsView.vue') },
    { path: '/partner/scorecard', name: 'scorecard', component: () => import('./views/ScorecardView.vue') },
    { path: '/:rest(.*)*', redirect: { name: 'lines' } },
  ],
  scrollBehavior() {
    return { top: 0 }
  },
})

partnerRouter.beforeEach(async (to) => {
  if (to.meta.public) return true
  return (await ensurePartnerSession()) ? true : { name: 'sign-in' }
})
