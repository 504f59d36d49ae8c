// Search: the box in the header (components/SearchBox.vue, mounted by the layout). It has no page
// of its own; its results open the customer's 360° page, the order or the product, and the
// customers list filtered by the text.

import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'search',
  messages: { en, 'zh-CN': zhCN },
  routes: [],
} satisfies Feature
