// Dashboard: the state of this server.

import { Odometer } from '@element-plus/icons-vue'
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
      meta: { titleKey: 'dashboard.nav.dashboard', nav: { label: 'dashboard.nav.dashboard', icon: Odometer, order: 10 } },
    },
  ],
} satisfies Feature
