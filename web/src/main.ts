import { createApp, watch } from 'vue'
import 'element-plus/theme-chalk/base.css'
import './styles.css'
import App from './App.vue'
import { router, updateDocumentTitle } from './app/router'
import { features } from './features'
import { onUnauthorized, setErrorText } from './shared/api'
import { addMessages, i18n } from './shared/i18n'
import { clearSession } from './shared/session'

for (const feature of features) addMessages(feature.name, feature.messages)

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
