// Small helpers shared by the marketing pages.

import { reactive, ref, type Ref } from 'vue'
import { ApiError } from '@/shared/api'
import { ElMessage } from '@/shared/feedback'
import { can } from '@/shared/session'
import { analyticsApi } from '@/features/analytics/api'
import type { MessageStatus } from '@/features/marketing/types'

/** The tag type Element Plus should use for a message's status. */
export function messageStatusTag(status: MessageStatus): 'primary' | 'success' | 'warning' | 'info' | 'danger' {
  switch (status) {
    case 'sent':
      return 'success'
    case 'sending':
      return 'primary'
    case 'failed':
      return 'danger'
    case 'bounced':
    case 'suppressed':
      return 'warning'
    default:
      return 'info'
  }
}

/**
 * Errors of a form's fields as the server names them (`{"error":{"field":"subject",…}}`), shown
 * next to the field (`<el-form-item :error="errors.subject">`). `take` files an error under its
 * field when the form has one, and shows the message otherwise. A field inside a request's object
 * ("draft.subject") is filed under its last part.
 */
export function useFieldErrors<F extends string>(fields: readonly F[]) {
  const errors = reactive({}) as Partial<Record<F, string>>

  function fieldOf(e: ApiError): F | null {
    if (!e.field) return null
    const last = e.field.slice(e.field.lastIndexOf('.') + 1) as F
    return fields.includes(last) ? last : null
  }

  /** Files the error under its field; returns false (and shows it) when no field of the form is named. */
  function take(e: unknown, show = true): boolean {
    if (e instanceof ApiError) {
      const field = fieldOf(e)
      if (field !== null && e.status >= 400 && e.status < 500) {
        errors[field] = e.message
        return true
      }
      if (show) ElMessage.error(e.message)
      return false
    }
    if (show) ElMessage.error(e instanceof Error ? e.message : String(e))
    return false
  }

  function clear(field?: F): void {
    if (field !== undefined) {
      delete errors[field]
      return
    }
    for (const f of fields) delete errors[f]
  }

  return { errors, take, clear, fieldOf }
}

/** Today as "YYYY-MM-DD" in the browser's time zone. */
export function today(): string {
  const d = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

const shopCurrency = ref('')
let shopCurrencyRead = false

/**
 * The currency money in conditions and audience filters (CLV, total spend) is typed in: the CLV
 * model's, which is the shop's main currency; '' (two decimals) before the first model or for
 * staff who may not read analytics.
 */
export function useShopCurrency(): Ref<string> {
  if (!shopCurrencyRead && can('analytics:read')) {
    shopCurrencyRead = true
    analyticsApi
      .model()
      .then((model) => (shopCurrency.value = model.currency))
      .catch(() => {
        // no model yet: amounts go without a currency
      })
  }
  return shopCurrency
}
