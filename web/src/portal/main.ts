// The customer portal: its own entry of the build (portal.html), served by the server at
// /portal and /portal/*, and the community's pages for customers at /community and /community/*. It shares the API client, i18n and Element Plus with the staff UI,
// with its own small layout.

import { createApp, watch } from 'vue'
import 'element-plus/theme-chalk/base.css'
import '../styles.css'
import PortalApp from './PortalApp.vue'
import { portalRouter } from './router'
import { setProfile } from './session'
import { onUnauthorized, setErrorText } from '@/shared/api'
import { addMessages, i18n } from '@/shared/i18n'
import en from './messages.en'
import zhCN from './messages.zh-CN'
import communityEn from '@/features/community/messages.en'
import communityZhCN from '@/features/community/messages.zh-CN'
import referralsEn from '@/features/referrals/messages.en'
import referralsZhCN from '@/features/referrals/messages.zh-CN'
import advisorEn from '@/features/advisor/messages.en'
import advisorZhCN from '@/features/advisor/messages.zh-CN'

addMessages('portal', { en, 'zh-CN': zhCN })
addMessages('community', { en: communityEn, 'zh-CN': communityZhCN })
addMessages('referrals', { en: referralsEn, 'zh-CN': referralsZhCN })
addMessages('advisor', { en: advisorEn, 'zh-CN': advisorZhCN })

setErrorText((key, status) =>
  key === 'network' ? i18n.global.t('errors.network') : i18n.global.t('errors.unexpected', { status: status ?? '?' }),
)

// A 401 means the portal session ended: sign in again (back to the community's page it was on).
onUnauthorized(() => {
  setProfile(null)
  const current = portalRouter.currentRoute.value
  void portalRouter.push(current.meta.community ? { name: 'sign-in', query: { next: current.fullPath } } : { name: 'sign-in' })
})

function updateTitle(): void {
  document.title = i18n.global.t('portal.title')
  document.documentElement.lang = i18n.global.locale.value
}
watch(i18n.global.locale, updateTitle)
updateTitle()

createApp(PortalApp).use(i18n).use(portalRouter).mount('#portal')
