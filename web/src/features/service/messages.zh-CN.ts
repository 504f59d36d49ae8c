// 简体中文 texts of the service section: every key of messages.en.ts (the type checker enforces it).

import type en from './messages.en'

export default {
  nav: {
    service: '客户服务',
    chat: '在线客服',
  },
  chat: {
    title: '在线客服',
    subtitle: '店铺访客与团队实时对话，自动分配给在线的客服',
    available: '在线',
    away: '离开',
    connecting: '连接中…',
    connected: '已连接',
    disconnected: '连接已断开，正在重连…',
    conversations: '对话',
    none: '暂无对话。将状态设为“在线”即可接入咨询。',
    pick: '请选择一个对话',
    visitor: '访客 #{id}',
    left: '已离开页面',
    customer: '客户档案',
    typing: '访客正在输入…',
    reply: '输入回复（Enter 发送，Shift+Enter 换行）',
    send: '发送',
    close: '结束对话',
    closed: '与 {name} 的对话已结束，记录已保存到客户档案。',
    you: '我',
    read: '已读',
    capacity: '最多同时接待 {n} 个对话',
  },
} satisfies typeof en
