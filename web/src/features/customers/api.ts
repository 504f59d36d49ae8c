// Customers: one function per API route.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  Customer,
  CustomerFilter,
  CustomerInput,
  CustomerSummary,
  DuplicatePair,
  Merge,
  MergeOutcome,
  TimelineEntry,
} from '@/features/customers/types'

export const customersApi = {
  listCustomers: (filter: CustomerFilter, page: PageQuery = {}) =>
    http.get<Page<Customer>>('/customers', { query: { ...filter, ...page } }),
  getCustomer: (id: number, quiet = false) => http.get<Customer>(`/customers/${id}`, { quiet }),
  createCustomer: (body: CustomerInput) => http.post<Customer>('/customers', body),
  updateCustomer: (id: number, body: CustomerInput) => http.patch<Customer>(`/customers/${id}`, body),
  customerSummary: (id: number) => http.get<CustomerSummary>(`/customers/${id}/summary`),
  customerTimeline: (id: number, page: PageQuery = {}) =>
    http.get<Page<TimelineEntry>>(`/customers/${id}/timeline`, { query: { ...page } }),
  customerMerges: (id: number) => http.get<{ items: Merge[] }>(`/customers/${id}/merges`),
  mergeCustomers: (survivorId: number, otherId: number) => http.post<MergeOutcome>(`/customers/${survivorId}/merge`, { other_id: otherId }),
  undoMerge: (mergeId: number) => http.post<MergeOutcome>(`/customers/merges/${mergeId}/undo`),
  eraseCustomer: (id: number) => http.post<Customer>(`/customers/${id}/erase`),
  listDuplicates: (customer: number | null, page: PageQuery = {}) =>
    http.get<Page<DuplicatePair>>('/customers/duplicates', { query: { customer, ...page } }),
}
