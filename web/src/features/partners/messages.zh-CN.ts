// 简体中文 texts of the partners section: every key of messages.en.ts (the type checker enforces it).

import type en from './messages.en'

export default {
  nav: {
    partners: '合作伙伴',
  },
  soon: '供应商、分销商与批发商，合作伙伴门户、共享订单与库存、评分卡',
} satisfies typeof en
