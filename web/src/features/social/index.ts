// Social listening: the mentions inbox (reply, escalate to a ticket, mark handled) and the
// reputation dashboard.

import { ChatLineRound } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'social',
  menu: { label: 'social.nav.social', icon: ChatLineRound, order: 75 },
  messages: { en, 'zh-CN': zhCN },
  routes: [
    { path: 'social', name: 'social', redirect: { name: 'social-mentions' } },
    {
      path: 'social/mentions',
      name: 'social-mentions',
      component: () => import('./views/MentionsInboxView.vue'),
      meta: { titleKey: 'social.nav.mentions', scope: 'social:read', nav: { label: 'social.nav.mentions', order: 10 } },
    },
    {
      path: 'social/reputation',
      name: 'social-reputation',
      component: () => import('./views/ReputationView.vue'),
      meta: { titleKey: 'social.nav.reputation', scope: 'social:read', nav: { label: 'social.nav.reputation', order: 20 } },
    },
    {
      path: 'social/settings',
      name: 'social-settings',
      component: () => import('./views/SocialSettingsView.vue'),
      meta: { titleKey: 'social.settings.title', scope: 'social:admin', nav: { label: 'social.settings.nav', order: 30 } },
    },
  ],
} satisfies Feature
