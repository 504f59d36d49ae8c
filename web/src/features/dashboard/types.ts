// Shapes of the dashboard JSON of the API (written by hand until the OpenAPI document describes them).
// Times are unix milliseconds (UTC).

export interface SystemInfo {
  version: string
  database: string
  started_at: number
  uptime_s: number
  users: number
  api_keys: number
  requests_total: number
  requests_by_status: Record<string, number>
}
