// Shapes of the dashboard JSON of the API (generated from the OpenAPI document, and written by hand where it does not describe them yet).
// Times are unix milliseconds (UTC).

export type { SystemInfo } from '@/api/types'
