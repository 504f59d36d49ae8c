// Settings: staff users, API keys, the audit log and the state of this server.

import { Setting } from '@element-plus/icons-vue'
import { can } from '@/shared/session'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'settings',
  menu: { label: 'settings.nav.settings', icon: Setting, order: 120 },
  messages: { en, 'zh-CN': zhCN },
  routes: [
    {
      path: 'settings',
      name: 'settings',
      redirect: () => ({ name: can('users:admin') ? 'settings-users' : 'settings-api-keys' }),
    },
    {
      path: 'settings/users',
      name: 'settings-users',
      component: () => import('./views/UsersView.vue'),
      meta: { titleKey: 'settings.nav.users', scope: 'users:admin', nav: { label: 'settings.nav.users', order: 1 } },
    },
    {
      path: 'settings/api-keys',
      name: 'settings-api-keys',
      component: () => import('./views/ApiKeysView.vue'),
      meta: { titleKey: 'settings.nav.apiKeys', nav: { label: 'settings.nav.apiKeys', order: 2 } },
    },
    {
      path: 'settings/security',
      name: 'settings-security',
      component: () => import('./views/SecurityView.vue'),
      meta: { titleKey: 'settings.nav.security', nav: { label: 'settings.nav.security', order: 5 } },
    },
    {
      path: 'settings/system',
      name: 'settings-system',
      component: () => import('./views/SystemStatusView.vue'),
      meta: { titleKey: 'settings.nav.system', nav: { label: 'settings.nav.system', order: 4 } },
    },
    {
      path: 'settings/audit',
      name: 'settings-audit',
      component: () => import('./views/AuditView.vue'),
      meta: { titleKey: 'settings.nav.audit', scope: 'audit:read', nav: { label: 'settings.nav.audit', order: 3 } },
    },
  ],
} satisfies Feature
