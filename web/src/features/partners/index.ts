// Partners: suppliers, distributors and wholesalers with their scorecards (on-time shipments, lead
// times, returns and defects, revenue and margin), products, portal users, contacts and order
// routing rules, and the ranking of a product's or category's suppliers for purchasing.

import { Connection } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'partners',
  menu: { label: 'partners.nav.partners', icon: Connection, order: 90 },
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'partners',
      name: 'partners',
      component: () => import('./views/PartnersView.vue'),
      meta: { titleKey: 'partners.nav.partners', scope: 'partners:read', nav: { label: 'partners.nav.partnerList', order: 1 } },
    },
    {
      path: 'partners/:id(\\d+)',
      name: 'partner',
      component: () => import('./views/PartnerView.vue'),
      meta: { titleKey: 'partners.partner', scope: 'partners:read', menu: '/partners' },
    },
    {
      path: 'partners/ranking',
      name: 'partner-ranking',
      component: () => import('./views/RankingView.vue'),
      meta: { titleKey: 'partners.nav.ranking', scope: 'partners:read', nav: { label: 'partners.nav.ranking', order: 2 } },
    },
  ],
} satisfies Feature
