import { createApp, watch } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './styles.css'
import App from './App.vue'
import { i18n } from './i18n'
import { router, updateDocumentTitle } from './router'
import { onUnauthorized, setErrorText } from './api/client'
import { clearSession } from './session'

setErrorText((key, status) =>
  key === 'network' ? i18n.global.t('errors.network') : i18n.global.t('errors.unexpected', { status: status ?? '?' }),
)

// A 401 from any page means the session ended: go to the login page and come back afterwards.
onUnauthorized(() => {
  clearSession()
  const current = router.currentRoute.value
  if (current.name === 'login') return
  void router.push({ name: 'login', query: { redirect: current.fullPath } })
})

watch(i18n.global.locale, () => updateDocumentTitle())

createApp(App).use(i18n).use(router).mount('#app')
