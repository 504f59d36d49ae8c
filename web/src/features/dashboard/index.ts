// The home page: the shop's day (sales, customers, tiers, carts, messages and flows), as far as
// the signed-in role may see it.

import { House } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'dashboard',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'dashboard',
      name: 'dashboard',
      component: () => import('./views/DashboardView.vue'),
      meta: { titleKey: 'dashboard.nav.dashboard', nav: { label: 'dashboard.nav.dashboard', icon: House, order: 10 } },
    },
  ],
} satisfies Feature
