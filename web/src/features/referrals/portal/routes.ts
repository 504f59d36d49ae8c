// The portal's "refer a friend" page (needs the portal session).

import type { RouteRecordRaw } from 'vue-router'

export const portalReferralRoutes: RouteRecordRaw[] = [
  { path: '/portal/referral', name: 'portal-referral', component: () => import('./ReferralPage.vue') },
]
