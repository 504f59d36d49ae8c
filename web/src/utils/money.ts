// Money and ratios for display. The API sends money as integer minor units (1/100 of the
// currency's unit for every currency the shop uses so far).

import { i18n } from '@/i18n'

/** Formats minor units as an amount in `currency` (or as a plain number when it is empty). */
export function formatMoney(minor: number | null | undefined, currency = ''): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return i18n.global.t('common.none')
  const locale = i18n.global.locale.value
  const value = minor / 100
  if (currency) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 }).format(value)
    } catch {
      // an unknown code: fall through to the plain number
    }
  }
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)
}

/** Formats a ratio (0.25) as a percentage ("25.0%"). */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return i18n.global.t('common.none')
  return new Intl.NumberFormat(i18n.global.locale.value, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio)
}

/** Formats a plain number with at most `digits` fractional digits. */
export function formatDecimal(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return i18n.global.t('common.none')
  return new Intl.NumberFormat(i18n.global.locale.value, { maximumFractionDigits: digits }).format(value)
}

/** Formats unix milliseconds as a date (no time) in the current locale. */
export function formatDay(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return i18n.global.t('common.none')
  return new Intl.DateTimeFormat(i18n.global.locale.value, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(ms),
  )
}
