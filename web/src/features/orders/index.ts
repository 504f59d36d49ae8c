// Orders: the list and the order page (status, shipment, returns).

import { ShoppingCart } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'orders',
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'orders',
      name: 'orders',
      component: () => import('./views/OrderListView.vue'),
      meta: { titleKey: 'orders.nav.orders', scope: 'orders:read', nav: { label: 'orders.nav.orders', icon: ShoppingCart, order: 30 } },
    },
    {
      path: 'orders/:id(\\d+)',
      name: 'order',
      component: () => import('./views/OrderView.vue'),
      meta: { titleKey: 'orders.nav.order', scope: 'orders:read', menu: '/orders' },
    },
  ],
} satisfies Feature
