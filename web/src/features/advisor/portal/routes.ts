// The portal's product advisor: the customer answers a questionnaire and reads the advice (needs
// the portal session).

import type { RouteRecordRaw } from 'vue-router'

export const portalAdvisorRoutes: RouteRecordRaw[] = [
  { path: '/portal/advisor', name: 'portal-advisor', component: () => import('./AdvisorPage.vue') },
]
