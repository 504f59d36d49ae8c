// Shapes of the import and export JSON of the API (written by hand until the OpenAPI document describes them).
// Times are unix milliseconds (UTC).

export type ImportEntity = 'customers' | 'products' | 'orders'

export const IMPORT_ENTITIES: readonly ImportEntity[] = ['customers', 'products', 'orders']

export type ImportFormat = 'auto' | 'ecrm' | 'shopify'

export const IMPORT_FORMATS: readonly ImportFormat[] = ['auto', 'ecrm', 'shopify']

export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed'

export interface ImportRowError {
  line: number
  field: string
  message: string
}

export interface ImportJob {
  id: number
  entity: ImportEntity
  format: string
  status: ImportStatus
  /** What a running job is doing, e.g. "validating" or "importing". */
  phase?: string
  dry_run: boolean
  skip_bad: boolean
  file_name?: string
  bytes_total: number
  bytes_done: number
  rows_read: number
  inserted: number
  updated: number
  unchanged: number
  /** Exact count; `errors` holds at most the first 1000. */
  bad_rows: number
  errors: ImportRowError[]
  warnings?: string[]
  message: string
  created_by?: string
  created_at: string | number
  started_at?: string | number | null
  finished_at: string | number | null
}
