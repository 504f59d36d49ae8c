// Visitor tracking: the traffic dashboard, live events and the tracking snippet.

import { View } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'traffic',
  menu: { label: 'traffic.nav.traffic', icon: View, order: 110 },
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'traffic',
      name: 'traffic',
      component: () => import('./views/TrafficDashboardView.vue'),
      meta: { titleKey: 'traffic.nav.trafficDashboard', scope: 'visitors:read', nav: { label: 'traffic.nav.trafficDashboard', order: 1 } },
    },
    {
      path: 'traffic/live',
      name: 'traffic-live',
      component: () => import('./views/LiveEventsView.vue'),
      meta: { titleKey: 'traffic.nav.trafficLive', scope: 'visitors:read', nav: { label: 'traffic.nav.trafficLive', order: 2 } },
    },
    {
      path: 'traffic/snippet',
      name: 'traffic-snippet',
      component: () => import('./views/SnippetView.vue'),
      meta: { titleKey: 'traffic.nav.trafficSnippet', scope: 'tracking:read', nav: { label: 'traffic.nav.trafficSnippet', order: 3 } },
    },
  ],
} satisfies Feature
