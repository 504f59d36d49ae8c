// Form helpers of the partners pages: the server's message for a refused value goes under its
// field ("countries[2]" under the countries field).

import { ApiError } from '@/shared/api'

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

/** A number typed in a form; text that is no number goes as typed, for the server to refuse naming its field. */
export function typedNumber(text: string): number | string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  const value = Number(trimmed)
  return Number.isFinite(value) ? value : trimmed
}
