// Service: the ticket inbox and the ticket page, and the chat console.

import { Headset } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'
import reportsEn from './messages.reports.en'
import reportsZhCN from './messages.reports.zh-CN'

export default {
  name: 'service',
  menu: { label: 'service.nav.service', icon: Headset, order: 70 },
  messages: { en: { ...en, reports: reportsEn }, 'zh-CN': { ...zhCN, reports: reportsZhCN } },
  routes: [
    { path: 'service', name: 'service', redirect: { name: 'service-tickets' } },
    {
      path: 'service/tickets',
      name: 'service-tickets',
      component: () => import('./views/TicketInboxView.vue'),
      meta: { titleKey: 'service.nav.tickets', scope: 'service:read', nav: { label: 'service.nav.tickets', order: 10 } },
    },
    {
      path: 'service/tickets/:id(\\d+)',
      name: 'service-ticket',
      component: () => import('./views/TicketPageView.vue'),
      meta: { titleKey: 'service.nav.ticket', scope: 'service:read', menu: '/service/tickets' },
    },
    {
      path: 'service/chat',
      name: 'service-chat',
      component: () => import('./views/ChatConsoleView.vue'),
      meta: { titleKey: 'service.nav.chat', scope: 'service:write', nav: { label: 'service.nav.chat', order: 20 } },
    },
    {
      path: 'service/reports',
      name: 'service-reports',
      component: () => import('./views/ServiceReportsView.vue'),
      meta: { titleKey: 'service.reports.title', scope: 'service:read', nav: { label: 'service.reports.nav', order: 40 } },
    },
  ],
} satisfies Feature
