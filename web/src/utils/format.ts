// Locale-aware formatting of the API's values (unix milliseconds, counts, durations).

import { i18n } from '@/i18n'

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>()

function dateTimeFormat(locale: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(locale)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    dateTimeFormats.set(locale, format)
  }
  return format
}

/** Formats unix milliseconds as a date and time in the current locale; '—' for null. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return i18n.global.t('common.none')
  return dateTimeFormat(i18n.global.locale.value).format(new Date(ms))
}

/** Formats a count with the current locale's grouping. */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(i18n.global.locale.value).format(value)
}

/** Formats seconds as the two largest units, e.g. "3 d 4 h" or "5 min 2 s". */
export function formatDuration(totalSeconds: number): string {
  const t = i18n.global.t
  const s = Math.max(0, Math.floor(totalSeconds))
  const days = Math.floor(s / 86400)
  const hours = Math.floor((s % 86400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  const seconds = s % 60
  const parts: string[] = []
  if (days > 0) parts.push(t('duration.days', { n: days }), t('duration.hours', { n: hours }))
  else if (hours > 0) parts.push(t('duration.hours', { n: hours }), t('duration.minutes', { n: minutes }))
  else if (minutes > 0) parts.push(t('duration.minutes', { n: minutes }), t('duration.seconds', { n: seconds }))
  else parts.push(t('duration.seconds', { n: seconds }))
  return parts.join(' ')
}

/** Copies text to the clipboard; falls back to a hidden textarea where the Clipboard API is unavailable. */
export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch {
      // fall through to the legacy way
    }
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  let ok = false
  try {
    ok = document.execCommand('copy')
  } catch {
    ok = false
  }
  document.body.removeChild(area)
  return ok
}

// Deliberately loose: the server has the final word on what an address is.
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/

/** Formats an amount in minor units (cents) of `currency` in the current locale. */
export function formatMoney(minor: number, currency: string): string {
  const locale = i18n.global.locale.value
  if (!/^[A-Z]{3}$/.test(currency)) return formatNumber(minor / 100)
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency })
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2
    return format.format(minor / 10 ** digits)
  } catch {
    return `${formatNumber(minor / 100)} ${currency}`
  }
}

/** Formats a share (0.25) as a percentage ("25%", "33.3%"). */
export function formatPercent(share: number): string {
  return new Intl.NumberFormat(i18n.global.locale.value, { style: 'percent', maximumFractionDigits: 1 }).format(
    Number.isFinite(share) ? share : 0,
  )
}
