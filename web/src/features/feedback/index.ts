// Feedback mining: a product's improvement report (complaints, praised aspects, defect reports,
// return reasons) for the people who improve the products.

import { Opportunity } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'feedback',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'feedback/products',
      name: 'feedback-report',
      component: () => import('./views/ProductReportView.vue'),
      meta: {
        titleKey: 'feedback.nav.report',
        scope: 'feedback:read',
        nav: { label: 'feedback.nav.report', order: 78, icon: Opportunity },
      },
    },
  ],
} satisfies Feature
