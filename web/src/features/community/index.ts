// Community, staff's side: the moderation queue (held and reported posts: hide, restore, approve,
// ban the author) and the threads of the boards, where staff answer with the staff badge, pin and
// lock, make a defect report a ticket and a staff answer a knowledge-base article. Customers and
// visitors read and post at /community (the portal's page, portal/routes.ts).

import { ChatDotRound } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'community',
  messages: { en, 'zh-CN': zhCN },
  menu: { label: 'community.nav.community', icon: ChatDotRound, order: 80 },
  routes: [
    {
      path: 'moderation',
      name: 'community-moderation',
      component: () => import('./views/ModerationQueueView.vue'),
      meta: { titleKey: 'community.moderation.title', scope: 'community:read', nav: { label: 'community.nav.moderation', order: 10 } },
    },
    {
      path: 'moderation/threads',
      name: 'community-threads',
      component: () => import('./views/StaffThreadsView.vue'),
      meta: { titleKey: 'community.nav.threads', scope: 'community:read', nav: { label: 'community.nav.threads', order: 20 } },
    },
    {
      path: 'moderation/reviews',
      name: 'community-reviews',
      component: () => import('./views/StaffReviewsView.vue'),
      meta: { titleKey: 'community.staffReviews.title', scope: 'community:read', nav: { label: 'community.nav.reviews', order: 30 } },
    },
    {
      path: 'moderation/kb',
      name: 'community-articles',
      component: () => import('./views/ArticlesView.vue'),
      meta: { titleKey: 'community.kb.title', scope: 'community:read', nav: { label: 'community.nav.articles', order: 40 } },
    },
    {
      path: 'moderation/threads/:id(\\d+)',
      name: 'community-staff-thread',
      component: () => import('./views/StaffThreadView.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
      meta: { titleKey: 'community.nav.thread', scope: 'community:read', menu: '/moderation/threads' },
    },
  ],
} satisfies Feature
