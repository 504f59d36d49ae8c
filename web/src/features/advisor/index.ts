// The self-service advisor for staff: questionnaires as data (questions, answer options, their
// scores towards categories and products, price ranges), edited with a preview of the advice and
// its reasons, and the conversion report; the answers panel of the 360° page (components/) and
// the portal's questionnaire (portal/).

import { Guide } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'advisor',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'advisor',
      name: 'advisor',
      component: () => import('./views/AdvisorListView.vue'),
      meta: {
        titleKey: 'advisor.nav.advisor',
        scope: 'advisor:read',
        nav: { label: 'advisor.nav.advisor', order: 84, icon: Guide },
      },
    },
    {
      path: 'advisor/new',
      name: 'advisor-new',
      component: () => import('./views/AdvisorEditView.vue'),
      meta: { titleKey: 'advisor.editor.newTitle', scope: 'advisor:write', menu: '/advisor' },
    },
    {
      path: 'advisor/:id(\\d+)',
      name: 'advisor-edit',
      component: () => import('./views/AdvisorEditView.vue'),
      meta: { titleKey: 'advisor.nav.advisor', scope: 'advisor:read', menu: '/advisor' },
    },
  ],
} satisfies Feature
