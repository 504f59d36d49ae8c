// Partners: suppliers, distributors and wholesalers with their scorecards (on-time shipments, lead
// times, returns and defects, revenue and margin), products, portal users, contacts and order
// routing rules, lead rules, API keys and webhooks; the ranking of a product's or category's
// suppliers for purchasing; leads (B2B enquiries routed to partners) and purchase suggestions.

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
    {
      path: 'partners/leads',
      name: 'leads',
      component: () => import('./views/LeadsView.vue'),
      meta: { titleKey: 'partners.nav.leads', scope: 'leads:read', nav: { label: 'partners.nav.leads', order: 3 } },
    },
    {
      path: 'partners/leads/:id(\\d+)',
      name: 'lead',
      component: () => import('./views/LeadView.vue'),
      meta: { titleKey: 'partners.leads.lead', scope: 'leads:read', menu: '/partners/leads' },
    },
    {
      path: 'partners/purchase-suggestions',
      name: 'purchase-suggestions',
      component: () => import('./views/PurchaseSuggestionsView.vue'),
      meta: { titleKey: 'partners.nav.suggestions', scope: 'partners:read', nav: { label: 'partners.nav.suggestions', order: 4 } },
    },
  ],
} satisfies Feature
