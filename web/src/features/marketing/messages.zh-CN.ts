// 简体中文 texts of the marketing section: every key of messages.en.ts (the type checker enforces it).

import type en from './messages.en'

export default {
  nav: {
    marketing: '营销',
  },
  soon: '客户分群、自动化流程、个性化消息及其追踪',
} satisfies typeof en
