// Analytics: segments, tiers, lifetime values and the fitted model.

import { TrendCharts } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'analytics',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'analytics',
      name: 'analytics',
      component: () => import('./views/AnalyticsView.vue'),
      meta: {
        titleKey: 'analytics.nav.analytics',
        scope: 'analytics:read',
        nav: { label: 'analytics.nav.analytics', icon: TrendCharts, order: 50 },
      },
    },
    {
      path: 'analytics/model',
      name: 'analytics-model',
      component: () => import('./views/AnalyticsModelView.vue'),
      meta: { titleKey: 'analytics.modelPage.title', scope: 'analytics:read' },
    },
    {
      path: 'analytics/economics',
      name: 'analytics-economics',
      component: () => import('./views/EconomicsView.vue'),
      meta: { titleKey: 'analytics.economics.title', scope: 'analytics:read' },
    },
  ],
} satisfies Feature
