// The shop's day: one function per API route.

import { http } from '@/shared/api'
import type { ShopDay } from '@/features/dashboard/types'

export const dashboardApi = {
  shopDay: () => http.get<ShopDay>('/home'),
}
