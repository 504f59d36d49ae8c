// Orders: one function per API route.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  NewReturnRequest,
  Order,
  OrderDetail,
  OrderFilter,
  OrderReturn,
  ReturnStatus,
  StatusChangeRequest,
} from '@/features/orders/types'

export const ordersApi = {
  listOrders: (filter: OrderFilter, page: PageQuery = {}) => http.get<Page<Order>>('/orders', { query: { ...filter, ...page } }),
  getOrder: (id: number) => http.get<OrderDetail>(`/orders/${id}`),
  changeOrderStatus: (id: number, body: StatusChangeRequest) => http.post<OrderDetail>(`/orders/${id}/status`, body),
  orderReturns: (id: number) => http.get<{ items: OrderReturn[] }>(`/orders/${id}/returns`),
  createReturn: (orderId: number, body: NewReturnRequest) => http.post<OrderReturn>(`/orders/${orderId}/returns`, body),
  changeReturnStatus: (id: number, status: ReturnStatus, note?: string) =>
    http.post<OrderReturn>(`/returns/${id}/status`, { status, note }),
}
