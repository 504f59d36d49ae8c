// Partners: coming soon (a placeholder page until the section is built).

import { Connection } from '@element-plus/icons-vue'
import ComingSoon from '@/shared/components/ComingSoon.vue'
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
      component: ComingSoon,
      props: { section: 'partners' },
      meta: { titleKey: 'partners.nav.partners', nav: { label: 'partners.nav.partners', icon: Connection, order: 90 } },
    },
  ],
} satisfies Feature
