// Marketing: the automated flows (each edited as data: trigger, conditions, steps) and the care
// policy, campaigns with their audience and results, message templates with their preview, and
// the outbox with its deliverability and replies.

import { Promotion } from '@element-plus/icons-vue'
import type { Feature } from '@/shared/feature'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export default {
  name: 'marketing',
  menu: { label: 'marketing.nav.marketing', icon: Promotion, order: 60 },
  messages: { en, 'zh-CN': zhCN },
  routes: [
    { path: 'marketing', name: 'marketing', redirect: { name: 'marketing-automation' } },
    {
      path: 'marketing/automation',
      name: 'marketing-automation',
      component: () => import('./views/AutomationView.vue'),
      meta: { titleKey: 'marketing.nav.automation', scope: 'marketing:read', nav: { label: 'marketing.nav.automation', order: 1 } },
    },
    {
      path: 'marketing/automation/flows/new',
      name: 'marketing-flow-new',
      component: () => import('./views/FlowEditorView.vue'),
      meta: { titleKey: 'marketing.flows.newTitle', scope: 'marketing:write', menu: '/marketing/automation' },
    },
    {
      path: 'marketing/automation/flows/:key',
      name: 'marketing-flow',
      component: () => import('./views/FlowEditorView.vue'),
      meta: { titleKey: 'marketing.nav.flow', scope: 'marketing:read', menu: '/marketing/automation' },
    },
    {
      path: 'marketing/campaigns',
      name: 'marketing-campaigns',
      component: () => import('./views/CampaignListView.vue'),
      meta: { titleKey: 'marketing.nav.campaigns', scope: 'marketing:read', nav: { label: 'marketing.nav.campaigns', order: 2 } },
    },
    {
      path: 'marketing/campaigns/new',
      name: 'marketing-campaign-new',
      component: () => import('./views/CampaignBuilderView.vue'),
      meta: { titleKey: 'marketing.campaigns.newTitle', scope: 'marketing:write', menu: '/marketing/campaigns' },
    },
    {
      path: 'marketing/campaigns/:id(\\d+)',
      name: 'marketing-campaign',
      component: () => import('./views/CampaignView.vue'),
      meta: { titleKey: 'marketing.nav.campaign', scope: 'marketing:read', menu: '/marketing/campaigns' },
    },
    {
      path: 'marketing/templates',
      name: 'marketing-templates',
      component: () => import('./views/TemplateListView.vue'),
      meta: { titleKey: 'marketing.nav.templates', scope: 'marketing:read', nav: { label: 'marketing.nav.templates', order: 3 } },
    },
    {
      path: 'marketing/templates/new',
      name: 'marketing-template-new',
      component: () => import('./views/TemplateEditorView.vue'),
      meta: { titleKey: 'marketing.templates.newTitle', scope: 'marketing:write', menu: '/marketing/templates' },
    },
    {
      path: 'marketing/templates/:key/:language',
      name: 'marketing-template',
      component: () => import('./views/TemplateEditorView.vue'),
      meta: { titleKey: 'marketing.nav.template', scope: 'marketing:read', menu: '/marketing/templates' },
    },
    {
      path: 'marketing/outbox',
      name: 'marketing-outbox',
      component: () => import('./views/OutboxView.vue'),
      meta: { titleKey: 'marketing.nav.outbox', scope: 'marketing:read', nav: { label: 'marketing.nav.outbox', order: 4 } },
    },
  ],
} satisfies Feature
