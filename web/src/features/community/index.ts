// Community: coming soon (a placeholder page until the section is built).

import { ChatDotRound } from '@element-plus/icons-vue'
import ComingSoon from '@/shared/components/ComingSoon.vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'community',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'community',
      name: 'community',
      component: ComingSoon,
      props: { section: 'community' },
      meta: { titleKey: 'community.nav.community', nav: { label: 'community.nav.community', icon: ChatDotRound, order: 80 } },
    },
  ],
} satisfies Feature
