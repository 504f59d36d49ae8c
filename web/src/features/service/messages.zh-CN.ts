// 简体中文 texts of the service section: every key of messages.en.ts (the type checker enforces it).

import type en from './messages.en'

export default {
  nav: {
    service: '客户服务',
  },
  soon: '全渠道互动、带 SLA 的工单、满意度调查、在线客服',
} satisfies typeof en
