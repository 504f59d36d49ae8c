// Staff notices: what the staff user follows reaches them (a feedback alert of a product they
// follow); the bell in the header (components/NoticeBell.vue) shows the unread count and the list.

import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'notices',
  messages: { en, 'zh-CN': zhCN },
  routes: [],
} satisfies Feature
