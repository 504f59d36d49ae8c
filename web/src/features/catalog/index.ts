// Catalog: products, the product page and categories.

import { Goods } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'catalog',
  menu: { label: 'catalog.nav.catalog', icon: Goods, order: 40 },
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'catalog',
      name: 'catalog',
      component: () => import('./views/ProductListView.vue'),
      meta: { titleKey: 'catalog.nav.products', scope: 'catalog:read', nav: { label: 'catalog.nav.products', order: 1 } },
    },
    {
      path: 'catalog/products/:id(\\d+)',
      name: 'product',
      component: () => import('./views/ProductView.vue'),
      meta: { titleKey: 'catalog.nav.product', scope: 'catalog:read', menu: '/catalog' },
    },
    {
      path: 'catalog/categories',
      name: 'catalog-categories',
      component: () => import('./views/CategoriesView.vue'),
      meta: { titleKey: 'catalog.nav.categories', scope: 'catalog:read', nav: { label: 'catalog.nav.categories', order: 2 } },
    },
  ],
} satisfies Feature
