// Locale-aware formatting of the API's values (unix milliseconds, counts, durations).

import { i18n } from '@/shared/i18n'

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

/** Unix milliseconds from the API's times (milliseconds, or ISO-8601 text); null when absent or unreadable. */
export function toMs(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  const parsed = Date.parse(value)
  return Number.isNaN(parsed) ? null : parsed
}

/** Formats a time (unix milliseconds or ISO-8601 text) as a date and time in the current locale; '—' for null. */
export function formatTime(value: number | string | null | undefined): string {
  const ms = toMs(value)
  if (ms === null) return i18n.global.t('common.none')
  return dateTimeFormat(i18n.global.locale.value).format(new Date(ms))
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** Formats unix milliseconds as a date (no time of day) in the current locale; '—' for null. */
export function formatDate(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return i18n.global.t('common.none')
  const locale = i18n.global.locale.value
  let format = dateFormats.get(locale)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' })
    dateFormats.set(locale, format)
  }
  return format.format(new Date(ms))
}

/**
 * Formats a calendar date as the API stores it ("YYYY-MM-DD") in the current locale, without
 * shifting it through a time zone; other text is shown as it is.
 */
export function formatCalendarDate(text: string | null | undefined): string {
  if (!text) return i18n.global.t('common.none')
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return text
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return new Intl.DateTimeFormat(i18n.global.locale.value, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(date)
}

/** Digits after the decimal point of a currency (2 for EUR, 0 for JPY); 2 when the code is unknown. */
export function currencyDigits(currency: string | null | undefined): number {
  if (!currency) return 2
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/** Minor units (cents) to the amount in the currency's major unit. */
export function fromMinor(minor: number, currency: string | null | undefined): number {
  return minor / 10 ** currencyDigits(currency)
}

/** An amount in the currency's major unit to whole minor units. */
export function toMinor(major: number, currency: string | null | undefined): number {
  return Math.round(major * 10 ** currencyDigits(currency))
}

/** Formats integer minor units of a currency, e.g. 123456 EUR as "€1,234.56"; '—' for null. */
export function formatMoney(minor: number | null | undefined, currency?: string | null): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return i18n.global.t('common.none')
  const locale = i18n.global.locale.value
  if (currency) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(fromMinor(minor, currency))
    } catch {
      // not an ISO 4217 code Intl knows: show the number and the code
    }
  }
  const digits = currencyDigits(currency)
  const number = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits })
  return currency ? `${number.format(fromMinor(minor, currency))} ${currency}` : number.format(fromMinor(minor, currency))
}

/**
 * A day range picked in the UI (["YYYY-MM-DD", "YYYY-MM-DD"], first and last day, local time)
 * as the API's half-open range [from, to) in unix milliseconds: `to` is the midnight after the
 * last day.
 */
export function dayRange(range: readonly string[] | null | undefined): { from: number | null; to: number | null } {
  const first = parseDay(range?.[0])
  const last = parseDay(range?.[1])
  if (!first || !last) return { from: null, to: null }
  const to = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1)
  return { from: first.getTime(), to: to.getTime() }
}

/** "YYYY-MM-DD" as local midnight; null for anything else. */
export function parseDay(text: string | null | undefined): Date | null {
  const m = text ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null
  if (!m) return null
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  return Number.isNaN(date.getTime()) ? null : date
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

/** Formats a share (0.25) as a percentage with at most one decimal ("25%", "33.3%"). */
export function formatShare(share: number): string {
  return new Intl.NumberFormat(i18n.global.locale.value, { style: 'percent', maximumFractionDigits: 1 }).format(
    Number.isFinite(share) ? share : 0,
  )
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

/** Translates an enum value under a key prefix (`orders.statuses`, `paid`), falling back to the value itself. */
export function enumLabel(prefix: string, value: string | null | undefined): string {
  if (!value) return i18n.global.t('common.none')
  const key = `${prefix}.${value}`
  return i18n.global.te(key) ? i18n.global.t(key) : value
}
