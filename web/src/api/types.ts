// Shapes shared by every route of the API under /api/v1. Times are unix milliseconds (UTC).

export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

export interface ErrorBody {
  error: {
    code: string
    message: string
    field?: string
  }
}
