// Recommendations: the rules explorer; its panels appear on the product and 360° pages.

import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'recommend',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'analytics/rules',
      name: 'recommend-rules',
      component: () => import('./views/RulesExplorerView.vue'),
      meta: { titleKey: 'recommend.rules.title', scope: 'recommendations:read', menu: '/analytics' },
    },
  ],
} satisfies Feature
