// Feedback: one function per API route the report page uses.

import { download, http } from '@/shared/api'
import type { ProductReport } from './types'

export const feedbackApi = {
  report: (productId: number, top = 10) => http.get<ProductReport>(`/feedback/products/${productId}/report`, { query: { top } }),
  downloadCsv: (productId: number, top = 10) =>
    download(`/feedback/products/${productId}/report?format=csv&top=${top}`, `product-${productId}-feedback.csv`),
}
