// 简体中文 texts of the search box: every key of messages.en.ts (the type checker enforces it).

import type en from './messages.en'

export default {
  placeholder: '搜索客户、订单、商品',
  label: '搜索',
  shortcut: '按 / 或 Ctrl+K 搜索',
  groups: {
    customers: '客户',
    orders: '订单',
    products: '商品',
  },
  fields: {
    name: '姓名',
    email: '邮箱',
    phone: '电话',
    company: '公司',
    external_id: '外部编号',
    tags: '标签',
    line: '产品线',
    customer: '客户',
    sku: 'SKU',
    brand: '品牌',
    category: '类目',
  },
  more: '还有更多匹配结果',
  seeAllCustomers: '查看所有匹配“{q}”的客户',
  searching: '正在搜索…',
  noMatches: '没有与“{q}”匹配的结果',
  failed: '搜索失败：{message}',
  keys: '↑ ↓ 选择 · Enter 打开 · Esc 关闭',
} satisfies typeof en
