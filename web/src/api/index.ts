// One function per API route the UI uses.

import { http, upload } from './client'
import type {
  Abandonment,
  ApiKey,
  AuditEntry,
  Category,
  Customer,
  CustomerFilter,
  CustomerInput,
  CustomerSummary,
  DuplicatePair,
  ImportEntity,
  ImportFormat,
  ImportJob,
  Merge,
  MergeOutcome,
  NewReturnRequest,
  Order,
  OrderFilter,
  OrderReturn,
  Product,
  ProductFilter,
  ProductInput,
  ProductSales,
  ReturnStatus,
  StatusChangeRequest,
  TimelineEntry,
  CreateUserRequest,
  CreateUserResponse,
  CreatedApiKey,
  Funnel,
  LivePage,
  ProductTraffic,
  TrackedCart,
  TrackedEvent,
  TrafficOverview,
  WriteKey,
  LoginResponse,
  MeResponse,
  Page,
  ScopeInfo,
  SystemInfo,
  UpdateUserRequest,
  UserRecord,
} from './types'

export interface PageQuery {
  limit?: number
  cursor?: string | null
}

/** A time window in unix milliseconds, [from, to). */
export interface TrafficWindow {
  from: number
  to: number
}

export const api = {
  login: (email: string, password: string) =>
    http.post<LoginResponse>('/auth/login', { email, password }, { quiet: true }),
  logout: () => http.post<void>('/auth/logout', undefined, { quiet: true }),
  me: () => http.get<MeResponse>('/me', { quiet: true }),

  systemInfo: () => http.get<SystemInfo>('/system/info'),

  listUsers: (page: PageQuery = {}) => http.get<Page<UserRecord>>('/users', { query: { ...page } }),
  createUser: (body: CreateUserRequest) => http.post<CreateUserResponse>('/users', body),
  updateUser: (id: number, body: UpdateUserRequest) => http.patch<{ user: UserRecord }>(`/users/${id}`, body),

  listApiKeys: (page: PageQuery = {}) => http.get<Page<ApiKey>>('/api-keys', { query: { ...page } }),
  listScopes: () => http.get<{ items: ScopeInfo[] }>('/api-keys/scopes'),
  createApiKey: (name: string, scopes: string[]) => http.post<CreatedApiKey>('/api-keys', { name, scopes }),
  revokeApiKey: (id: number) => http.del<void>(`/api-keys/${id}`),

  listAudit: (page: PageQuery = {}) => http.get<Page<AuditEntry>>('/audit', { query: { ...page } }),

  listWriteKeys: () => http.get<{ items: WriteKey[] }>('/write-keys'),
  createWriteKey: (name: string) => http.post<WriteKey>('/write-keys', { name }),
  revokeWriteKey: (id: number) => http.del<void>(`/write-keys/${id}`),

  trafficOverview: (window: TrafficWindow) => http.get<TrafficOverview>('/traffic/overview', { query: { ...window } }),
  trafficFunnel: (window: TrafficWindow) => http.get<Funnel>('/traffic/funnel', { query: { ...window } }),
  trafficAbandonment: (window: TrafficWindow, bucket: 'hour' | 'day' | 'week' = 'day') =>
    http.get<Abandonment>('/traffic/abandonment', { query: { ...window, bucket } }),
  trafficProducts: (window: TrafficWindow, limit = 10) =>
    http.get<{ items: ProductTraffic[] }>('/traffic/products', { query: { ...window, limit } }),
  listCarts: (status: 'open' | 'abandoned' | 'purchased', page: PageQuery = {}) =>
    http.get<Page<TrackedCart> & { abandon_after_ms: number }>('/carts', { query: { status, ...page } }),
  liveEvents: (after: number | null, limit = 100) =>
    http.get<LivePage>('/events/live', { query: { after, limit } }),
  listEvents: (query: { type?: string; customer_id?: number } & PageQuery = {}) =>
    http.get<Page<TrackedEvent>>('/events', { query: { ...query } }),

  // customers
  listCustomers: (filter: CustomerFilter, page: PageQuery = {}) =>
    http.get<Page<Customer>>('/customers', { query: { ...filter, ...page } }),
  getCustomer: (id: number, quiet = false) => http.get<Customer>(`/customers/${id}`, { quiet }),
  createCustomer: (body: CustomerInput) => http.post<Customer>('/customers', body),
  updateCustomer: (id: number, body: CustomerInput) => http.patch<Customer>(`/customers/${id}`, body),
  customerSummary: (id: number) => http.get<CustomerSummary>(`/customers/${id}/summary`),
  customerTimeline: (id: number, page: PageQuery = {}) =>
    http.get<Page<TimelineEntry>>(`/customers/${id}/timeline`, { query: { ...page } }),
  customerMerges: (id: number) => http.get<{ items: Merge[] }>(`/customers/${id}/merges`),
  mergeCustomers: (survivorId: number, otherId: number) =>
    http.post<MergeOutcome>(`/customers/${survivorId}/merge`, { other_id: otherId }),
  undoMerge: (mergeId: number) => http.post<MergeOutcome>(`/customers/merges/${mergeId}/undo`),
  eraseCustomer: (id: number) => http.post<Customer>(`/customers/${id}/erase`),
  listDuplicates: (customer: number | null, page: PageQuery = {}) =>
    http.get<Page<DuplicatePair>>('/customers/duplicates', { query: { customer, ...page } }),

  // catalog
  listCategories: (page: PageQuery = {}) => http.get<Page<Category>>('/categories', { query: { ...page } }),
  createCategory: (body: { name: string; slug?: string; parent_id?: number | null }) =>
    http.post<Category>('/categories', body),
  updateCategory: (id: number, body: { name?: string; slug?: string; parent_id?: number | null }) =>
    http.patch<Category>(`/categories/${id}`, body),
  deleteCategory: (id: number) => http.del<void>(`/categories/${id}`),
  listProducts: (filter: ProductFilter, page: PageQuery = {}) =>
    http.get<Page<Product>>('/products', { query: { ...filter, ...page } }),
  getProduct: (id: number) => http.get<Product>(`/products/${id}`),
  createProduct: (body: ProductInput) => http.post<Product>('/products', body),
  updateProduct: (id: number, body: ProductInput) => http.patch<Product>(`/products/${id}`, body),
  productSales: (id: number) => http.get<{ product_id: number; items: ProductSales[] }>(`/products/${id}/sales`),

  // orders
  listOrders: (filter: OrderFilter, page: PageQuery = {}) =>
    http.get<Page<Order>>('/orders', { query: { ...filter, ...page } }),
  getOrder: (id: number) => http.get<Order>(`/orders/${id}`),
  changeOrderStatus: (id: number, body: StatusChangeRequest) => http.post<Order>(`/orders/${id}/status`, body),
  orderReturns: (id: number) => http.get<{ items: OrderReturn[] }>(`/orders/${id}/returns`),
  createReturn: (orderId: number, body: NewReturnRequest) => http.post<OrderReturn>(`/orders/${orderId}/returns`, body),
  changeReturnStatus: (id: number, status: ReturnStatus, note?: string) =>
    http.post<OrderReturn>(`/returns/${id}/status`, { status, note }),

  // import and export
  startImport: (
    entity: ImportEntity,
    file: Blob,
    options: { format: ImportFormat; dryRun: boolean; skipBad: boolean },
    onProgress?: (loaded: number, total: number) => void,
  ) =>
    upload<ImportJob>(`/import/${entity}`, file, 'text/csv', {
      query: {
        format: options.format,
        dry_run: options.dryRun,
        skip_bad: options.skipBad,
        file_name: file instanceof File ? file.name : undefined,
      },
      onProgress,
    }),
  getImportJob: (id: number) => http.get<ImportJob>(`/import/jobs/${id}`),
  listImportJobs: (page: PageQuery = {}) =>
    http.get<Page<ImportJob>>('/import/jobs', { query: { ...page }, quiet: true }),
}

/** Reads every page of a list (for small lists such as the category tree). */
export async function fetchAll<T>(list: (page: PageQuery) => Promise<Page<T>>, limit = 1000): Promise<T[]> {
  const out: T[] = []
  let cursor: string | null = null
  for (;;) {
    const page: Page<T> = await list({ limit, cursor })
    out.push(...page.items)
    if (!page.next_cursor || page.items.length === 0) return out
    cursor = page.next_cursor
  }
}
