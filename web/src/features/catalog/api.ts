// Catalog: one function per API route.

import { http, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type {
  Category,
  ConfigurationQuote,
  ConfigureRequest,
  Product,
  ProductConfiguration,
  ProductConfigurationInput,
  ProductFilter,
  ProductInput,
  ProductSales,
} from '@/features/catalog/types'

export const catalogApi = {
  listCategories: (page: PageQuery = {}) => http.get<Page<Category>>('/categories', { query: { ...page } }),
  createCategory: (body: { name: string; slug?: string; parent_id?: number | null }) => http.post<Category>('/categories', body),
  updateCategory: (id: number, body: { name?: string; slug?: string; parent_id?: number | null }) =>
    http.patch<Category>(`/categories/${id}`, body),
  deleteCategory: (id: number) => http.del<void>(`/categories/${id}`),
  listProducts: (filter: ProductFilter, page: PageQuery = {}) => http.get<Page<Product>>('/products', { query: { ...filter, ...page } }),
  getProduct: (id: number) => http.get<Product>(`/products/${id}`),
  createProduct: (body: ProductInput) => http.post<Product>('/products', body),
  updateProduct: (id: number, body: ProductInput) => http.patch<Product>(`/products/${id}`, body),
  productSales: (id: number) => http.get<{ product_id: number; items: ProductSales[] }>(`/products/${id}/sales`),
  getConfiguration: (id: number) => http.get<ProductConfiguration>(`/products/${id}/configuration`),
  putConfiguration: (id: number, body: ProductConfigurationInput) => http.put<ProductConfiguration>(`/products/${id}/configuration`, body),
  configure: (id: number, body: ConfigureRequest) => http.post<ConfigurationQuote>(`/products/${id}/configure`, body),
}
