// Import and export: one function per API route.

import { http, upload, type PageQuery } from '@/shared/api'
import type { Page } from '@/api/types'
import type { ImportEntity, ImportFormat, ImportJob } from '@/features/data/types'

export const dataApi = {
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
  listImportJobs: (page: PageQuery = {}) => http.get<Page<ImportJob>>('/import/jobs', { query: { ...page }, quiet: true }),
}
