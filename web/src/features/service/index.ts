// Service: coming soon (a placeholder page until the section is built).

import { Headset } from '@element-plus/icons-vue'
import ComingSoon from '@/shared/components/ComingSoon.vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'service',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'service',
      name: 'service',
      component: ComingSoon,
      props: { section: 'service' },
      meta: { titleKey: 'service.nav.service', scope: 'service:read', nav: { label: 'service.nav.service', icon: Headset, order: 70 } },
    },
  ],
} satisfies Feature
