// Referrals: the settings the server runs with, the leaderboard by network value and each
// referrer's referred customers (revenue, CLV); the referral panel of the 360° page
// (components/) and the portal's "refer a friend" page (portal/).

import { Share } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'referrals',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'referrals',
      name: 'referrals',
      component: () => import('./views/ReferralsView.vue'),
      meta: {
        titleKey: 'referrals.nav.referrals',
        scope: 'referrals:read',
        nav: { label: 'referrals.nav.referrals', order: 82, icon: Share },
      },
    },
  ],
} satisfies Feature
