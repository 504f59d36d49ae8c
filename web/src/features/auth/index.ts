// Sign-in: the only page outside the layout.

import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'auth',
  messages: { en, 'zh-CN': zhCN },
  routes: [],
  outerRoutes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./views/LoginView.vue'),
      meta: { public: true, titleKey: 'auth.title' },
    },
  ],
} satisfies Feature
