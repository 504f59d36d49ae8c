// English texts of the dashboard (the i18n namespace `dashboard`); messages.zh-CN.ts must have every key.

export default {
  nav: {
    dashboard: 'Dashboard',
  },
  title: 'Dashboard',
  subtitle: 'State of this ecrm server',
  version: 'Version',
  database: 'Database',
  uptime: 'Uptime',
  startedAt: 'Started {time}',
  users: 'Staff users',
  apiKeys: 'API keys',
  requestsTotal: 'HTTP requests',
  requestsByStatus: 'HTTP requests by status',
  requestsByStatusHint: 'Since the server started',
  noRequests: 'No requests counted yet',
  requests: 'Requests',
  status: 'Status',
  updatedAt: 'Updated {time}',
  databases: {
    sqlite: 'SQLite',
    postgresql: 'PostgreSQL',
  },
}
