// 简体中文 texts of the community section: every key of messages.en.ts (the type checker enforces it).

import type en from './messages.en'

export default {
  nav: {
    community: '社区',
  },
  soon: '论坛主题、投票、采纳答案、内容审核与反馈挖掘',
} satisfies typeof en
