// 简体中文 texts of the dashboard: every key of messages.en.ts (the type checker enforces it).

import type en from './messages.en'

export default {
  nav: {
    dashboard: '仪表盘',
  },
  title: '仪表盘',
  subtitle: '本 ecrm 服务器的运行状态',
  version: '版本',
  database: '数据库',
  uptime: '运行时间',
  startedAt: '启动于 {time}',
  users: '员工用户',
  apiKeys: 'API 密钥',
  requestsTotal: 'HTTP 请求',
  requestsByStatus: '按状态码统计的 HTTP 请求',
  requestsByStatusHint: '自服务器启动以来',
  noRequests: '暂无请求记录',
  requests: '请求数',
  status: '状态码',
  updatedAt: '更新于 {time}',
  databases: {
    sqlite: 'SQLite',
    postgresql: 'PostgreSQL',
  },
} satisfies typeof en
