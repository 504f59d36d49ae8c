// Marketing: coming soon (a placeholder page until the section is built).

import { Promotion } from '@element-plus/icons-vue'
import ComingSoon from '@/shared/components/ComingSoon.vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'marketing',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'marketing',
      name: 'marketing',
      component: ComingSoon,
      props: { section: 'marketing' },
      meta: {
        titleKey: 'marketing.nav.marketing',
        scope: 'marketing:read',
        nav: { label: 'marketing.nav.marketing', icon: Promotion, order: 60 },
      },
    },
  ],
} satisfies Feature
