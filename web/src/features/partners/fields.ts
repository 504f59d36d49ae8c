// Form helpers of the partners pages: the server's message for a refused value goes under its
// field ("countries[2]" under the countries field); a change that cannot be undone is confirmed first.

import type { Ref } from 'vue'
import { ApiError } from '@/shared/api'
import { ElMessageBox } from '@/shared/feedback'

/** Clears a form's field errors. */
export function clearErrors(errors: Record<string, string>): void {
  for (const key of Object.keys(errors)) delete errors[key]
}

/** Puts the server's message under the field it names (or `fallback`); rethrows what is no API error. */
export function showRefused(errors: Record<string, string>, error: unknown, fallback: string): void {
  if (!(error instanceof ApiError)) throw error
  const field = (error.field ?? fallback).replace(/\[\d+\]$/, '')
  errors[field] = error.message
}

/**
 * Sends a form: clears its errors and marks it busy while `send` runs; a refused value's message goes
 * under its field (or `fallback`). What is no API error is rethrown.
 */
export async function sendForm(
  errors: Record<string, string>,
  busy: Ref<boolean>,
  fallback: string,
  send: () => Promise<void>,
): Promise<void> {
  clearErrors(errors)
  busy.value = true
  try {
    await send()
  } catch (error) {
    showRefused(errors, error, fallback)
  } finally {
    busy.value = false
  }
}

/** Asks in a warning box whether to go on; false when the user cancels. */
export async function confirmed(message: string, title: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, { type: 'warning' })
    return true
  } catch {
    return false
  }
}

/** A number typed in a form; text that is no number goes as typed, for the server to refuse naming its field. */
export function typedNumber(text: string): number | string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  const value = Number(trimmed)
  return Number.isFinite(value) ? value : trimmed
}
