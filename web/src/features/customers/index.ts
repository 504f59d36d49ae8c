// Customers: the archive, the 360° page and duplicates.

import { User } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'customers',
  menu: { label: 'customers.nav.customers', icon: User, order: 20 },
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'customers',
      name: 'customers',
      component: () => import('./views/CustomerListView.vue'),
      meta: { titleKey: 'customers.nav.customers', scope: 'customers:read', nav: { label: 'customers.nav.customerList', order: 1 } },
    },
    {
      path: 'customers/duplicates',
      name: 'customer-duplicates',
      component: () => import('./views/DuplicatesView.vue'),
      meta: { titleKey: 'customers.nav.duplicates', scope: 'customers:read', nav: { label: 'customers.nav.duplicates', order: 2 } },
    },
    {
      path: 'customers/:id(\\d+)',
      name: 'customer',
      component: () => import('./views/Customer360View.vue'),
      meta: { titleKey: 'customers.nav.customer', scope: 'customers:read', menu: '/customers' },
    },
  ],
} satisfies Feature
