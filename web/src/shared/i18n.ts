// Locale handling: vue-i18n messages (the shared ones here, each section's under its own namespace
// through addMessages), Element Plus' own texts, and the user's choice.
//
// The first visit picks zh-CN when the browser prefers any Chinese variant and English
// otherwise; a choice made in the header is kept in localStorage under `ecrm.locale`.

import { computed } from 'vue'
import { createI18n } from 'vue-i18n'
import elEn from 'element-plus/es/locale/lang/en'
import elZhCn from 'element-plus/es/locale/lang/zh-cn'
import en from './messages.en'
import zhCN from './messages.zh-CN'

export type AppLocale = 'zh-CN' | 'en'

export const LOCALES: readonly AppLocale[] = ['zh-CN', 'en']

const STORAGE_KEY = 'ecrm.locale'

function isAppLocale(value: unknown): value is AppLocale {
  return value === 'zh-CN' || value === 'en'
}

/** Maps a BCP 47 tag from the browser to one of our locales. */
export function localeFromLanguage(language: string | undefined | null): AppLocale {
  return language && language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

function readStoredLocale(): AppLocale | null {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY)
    return isAppLocale(stored) ? stored : null
  } catch {
    return null
  }
}

function initialLocale(): AppLocale {
  return readStoredLocale() ?? localeFromLanguage(navigator.language)
}

export const i18n = createI18n<[typeof en], AppLocale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
  missingWarn: false,
  fallbackWarn: false,
})

/** Adds a section's texts under its namespace (`customers.title` …). */
export function addMessages(namespace: string, messages: Record<AppLocale, object>): void {
  for (const locale of LOCALES) i18n.global.mergeLocaleMessage(locale, { [namespace]: messages[locale] } as typeof en)
}

const elementLocales = { en: elEn, 'zh-CN': elZhCn } as const

/** The Element Plus locale object matching the current UI locale. */
export const elementLocale = computed(() => elementLocales[i18n.global.locale.value])

export function currentLocale(): AppLocale {
  return i18n.global.locale.value
}

/** Switches the UI language and remembers the choice. */
export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    window.localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Storage may be unavailable (private mode); the choice then lasts for this page only.
  }
}

document.documentElement.lang = i18n.global.locale.value
