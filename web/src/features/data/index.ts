// Import and export of CSV files.

import { DataBoard } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'data',
  menu: { label: 'data.nav.data', icon: DataBoard, order: 100 },
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'import',
      name: 'import',
      component: () => import('./views/ImportView.vue'),
      meta: { titleKey: 'data.nav.import', scope: ['import:write', 'export:read'], nav: { label: 'data.nav.import', order: 1 } },
    },
  ],
} satisfies Feature
