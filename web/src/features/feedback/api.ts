// Feedback: one function per API route the feedback pages use.

import { download, http } from '@/shared/api'
import type { AlertList, AlertQuery, FeedbackAlert, MiningStatus, ProductReport } from './types'

export const feedbackApi = {
  report: (productId: number, top = 10) => http.get<ProductReport>(`/feedback/products/${productId}/report`, { query: { top } }),
  downloadCsv: (productId: number, top = 10) =>
    download(`/feedback/products/${productId}/report?format=csv&top=${top}`, `product-${productId}-feedback.csv`),
  mining: () => http.get<MiningStatus>('/feedback/mining'),
  mine: () => http.post<MiningStatus>('/feedback/mining'),
  alerts: (query: AlertQuery) => http.get<AlertList>('/feedback/alerts', { query: { ...query } }),
  acknowledge: (id: number) => http.post<FeedbackAlert>(`/feedback/alerts/${id}/acknowledge`),
}
