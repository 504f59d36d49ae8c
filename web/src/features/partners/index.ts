// Partners: suppliers, distributors, wholesalers, resellers and carriers with their scorecards
// (on-time shipments, lead times, returns and defects, revenue and margin) and products.

import { Connection } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'partners',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'partners',
      name: 'partners',
      component: () => import('./views/PartnersView.vue'),
      meta: {
        titleKey: 'partners.nav.partners',
        scope: 'partners:read',
        nav: { label: 'partners.nav.partners', icon: Connection, order: 90 },
      },
    },
  ],
} satisfies Feature
