// Dashboard: one function per API route.

import { http } from '@/shared/api'
import type { SystemInfo } from '@/features/dashboard/types'

export const dashboardApi = {
  systemInfo: () => http.get<SystemInfo>('/system/info'),
}
