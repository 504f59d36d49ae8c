// Advisor: one function per API route the staff pages, the 360° page and the portal use.

import { http, request } from '@/shared/api'
import type { Advice, AnswersInput, ConversionReport, Questionnaire, QuestionnaireInput } from './types'

export const advisorApi = {
  list: () => http.get<{ items: Questionnaire[] }>('/advisor'),
  get: (id: number) => http.get<Questionnaire>(`/advisor/${id}`),
  create: (input: QuestionnaireInput) => http.post<Questionnaire>('/advisor', input, { quiet: true }),
  update: (id: number, input: QuestionnaireInput) => http.put<Questionnaire>(`/advisor/${id}`, input, { quiet: true }),
  preview: (id: number, input: AnswersInput) => http.post<Advice>(`/advisor/${id}/preview`, input, { quiet: true }),
  report: (id: number, days = 30) => http.get<ConversionReport>(`/advisor/${id}/report`, { query: { days } }),
  ofCustomer: (customerId: number) => http.get<{ items: Advice[] }>(`/customers/${customerId}/advisor`),
}

/** The portal customer's side (the portal session's cookie). */
export const portalAdvisorApi = {
  list: () => request<{ items: Questionnaire[] }>('GET', '/portal/advisor'),
  get: (id: number) => request<Questionnaire>('GET', `/portal/advisor/${id}`),
  answer: (id: number, input: AnswersInput) => request<Advice>('POST', `/portal/advisor/${id}/answers`, { body: input, quiet: true }),
}
