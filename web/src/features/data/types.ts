// Shapes of the import and export JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type { ImportJob, ImportRowError } from '@/api/types'
import type { ImportJob } from '@/api/types'

export type ImportEntity = ImportJob['entity']
export type ImportFormat = ImportJob['format']
export type ImportStatus = ImportJob['status']

export const IMPORT_ENTITIES: readonly ImportEntity[] = ['customers', 'products', 'orders']

export const IMPORT_FORMATS: readonly ImportFormat[] = ['auto', 'ecrm', 'shopify']
