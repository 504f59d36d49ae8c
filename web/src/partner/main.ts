// The partner portal: its own entry of the build (partner.html), served by the server at /partner
// and /partner/*. Suppliers, distributors and other partners' users sign in with a link staff
// hand them, then see their order lines, products and scorecard. It shares the API client, i18n
// and Element Plus with the staff UI, with its own small layout.

import { createApp, watch } from 'vue'
import 'element-plus/theme-chalk/base.css'
import '../styles.css'
import PartnerApp from './PartnerApp.vue'
import { partnerRouter } from './router'
import { setMe } from './session'
import { onUnauthorized, setErrorText } from '@/shared/api'
import { addMessages, i18n } from '@/shared/i18n'
import en from './messages.en'
import zhCN from './messages.zh-CN'

addMessages('partner', { en, 'zh-CN': zhCN })

setErrorText((key, status) =>
  key === 'network' ? i18n.global.t('errors.network') : i18n.global.t('errors.unexpected', { status: status ?? '?' }),
)

// A 401 means the partner session ended (signed out elsewhere, deactivated): sign in again.
onUnauthorized(() => {
  setMe(null)
  void partnerRouter.push({ name: 'sign-in' })
})

function updateTitle(): void {
  document.title = i18n.global.t('partner.title')
  document.documentElement.lang = i18n.global.locale.value
}
watch(i18n.global.locale, updateTitle)
updateTitle()

createApp(PartnerApp).use(i18n).use(partnerRouter).mount('#partner')
