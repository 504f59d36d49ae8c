// Service: the chat console (the ticket inbox and the other service pages join this section).

import { Headset } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'service',
  menu: { label: 'service.nav.service', icon: Headset, order: 70 },
  messages: { en, 'zh-CN': zhCN },
  routes: [
    { path: 'service', name: 'service', redirect: { name: 'service-chat' } },
    {
      path: 'service/chat',
      name: 'service-chat',
      component: () => import('./views/ChatConsoleView.vue'),
      meta: { titleKey: 'service.nav.chat', scope: 'service:write', nav: { label: 'service.nav.chat', order: 20 } },
    },
  ],
} satisfies Feature
