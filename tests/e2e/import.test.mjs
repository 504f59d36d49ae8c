// The import page: upload a CSV, follow the job's progress, read the result and the bad rows.
// The first tests answer the import API in the browser's network layer (page.route), so the
// page's logic is checked on its own and at every step (request shape, progress while the job
// runs, a capped bad-rows report); the last one imports into the real server.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

const TEXT = {
  en: {
    title: 'Import & export',
    shopify: 'Shopify',
    running: 'Running',
    succeeded: 'Succeeded',
    result: 'Import #7 finished',
    capped: 'Showing the first 3 of 1,203 bad rows',
  },
  'zh-CN': {
    title: '导入与导出',
    shopify: 'Shopify',
    running: '进行中',
    succeeded: '已完成',
    result: '导入任务 #7 已完成',
    capped: '仅显示 1,203 个错误行中的前 3 个',
  },
}

const CSV = [
  'Name,Email,Financial Status,Lineitem quantity,Lineitem sku,Total',
  '#1001,ann@example.com,paid,1,SKU-1,19.90',
  '#1002,not-an-email,paid,x,SKU-2,5.00',
  '#1003,bob@example.com,paid,2,SKU-1,39.80',
].join('\n')

const ERRORS = [
  { line: 3, field: 'email', message: 'email is not an e-mail address' },
  { line: 3, field: 'lineitem_quantity', message: 'quantity must be a whole number' },
  { line: 9, field: 'lineitem_sku', message: 'no product with SKU SKU-9' },
]

function job(overrides) {
  return {
    id: 7,
    entity: 'orders',
    format: 'shopify',
    status: 'queued',
    dry_run: false,
    skip_bad: true,
    bytes_total: CSV.length,
    bytes_done: 0,
    rows_read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    bad_rows: 0,
    errors: [],
    message: '',
    created_at: '2026-11-23T10:00:00Z',
    finished_at: null,
    ...overrides,
  }
}

/** Answers the import API in the browser: queued, then running at 50 % until `finish()`, then done. */
async function mockImportApi(page) {
  const seen = { uploads: [], polls: 0 }
  let finished = false
  const halfway = job({ status: 'running', bytes_done: Math.floor(CSV.length / 2), rows_read: 2, inserted: 1, bad_rows: 1, errors: ERRORS.slice(0, 1) })
  const done = job({
    status: 'succeeded',
    bytes_done: CSV.length,
    rows_read: 1205,
    inserted: 1,
    updated: 1,
    unchanged: 0,
    bad_rows: 1203,
    errors: ERRORS,
    message: 'skipped 1203 bad rows',
    finished_at: '2026-11-23T10:00:05Z',
  })
  await page.route(
    (url) => url.pathname.startsWith('/api/v1/import'),
    async (route) => {
      const request = route.request()
      const url = new URL(request.url())
      const json = (status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) })
      if (request.method() === 'POST' && url.pathname === '/api/v1/import/orders') {
        seen.uploads.push({
          query: Object.fromEntries(url.searchParams),
          contentType: request.headers()['content-type'],
          csrf: request.headers()['x-csrf-token'],
          body: request.postData(),
        })
        return json(202, job({}))
      }
      if (request.method() === 'GET' && url.pathname === '/api/v1/import/jobs/7') {
        seen.polls += 1
        return json(200, finished ? done : halfway)
      }
      if (request.method() === 'GET' && url.pathname === '/api/v1/import/jobs') {
        return json(200, { items: finished ? [done] : [], next_cursor: null })
      }
      return json(404, { error: { code: 'not_found', message: 'no such route' } })
    },
  )
  return { seen, finish: () => (finished = true) }
}

for (const locale of ['en', 'zh-CN']) {
  const text = TEXT[locale]
  test(`${locale}: an import is uploaded, shows its progress, then its result and bad rows`, { timeout: 90_000 }, async () => {
    const { baseUrl, email, password } = config()
    await withBrowser('import', locale, async (page) => {
      await signInPage(page, baseUrl, email, password)
      const mock = await mockImportApi(page)
      await page.goto(`${baseUrl}/import`)
      assert.equal(await textOf(page, 'page-title'), text.title)

      // Choose orders in Shopify's format, skipping bad rows.
      await page.getByTestId('import-entity-orders').click()
      await page.getByTestId('import-format').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: text.shopify }).click()
      await page.getByTestId('import-skip-bad').click()
      await page
        .getByTestId('import-file')
        .locator('input[type=file]')
        .setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) })
      await page.getByTestId('import-start').click()

      // While the job runs: upload done, processing at 50 %.
      await page.getByTestId('import-job-status').filter({ hasText: text.running }).waitFor()
      await page.getByTestId('import-upload-progress').filter({ hasText: '100%' }).waitFor()
      await page.getByTestId('import-process-progress').filter({ hasText: '50%' }).waitFor()
      assert.equal(mock.seen.uploads.length, 1)
      const upload = mock.seen.uploads[0]
      assert.deepEqual(upload.query, { format: 'shopify', dry_run: 'false', skip_bad: 'true', file_name: 'orders.csv' })
      assert.equal(upload.contentType, 'text/csv')
      assert.ok(upload.csrf, 'the upload carries the CSRF token')
      assert.equal(upload.body, CSV, 'the file is the request body')
      await snapshot(page, `import-running-${locale}`)

      // The job finishes: counts, result and the (capped) bad-rows report.
      mock.finish()
      await page.getByTestId('import-job-status').filter({ hasText: text.succeeded }).waitFor({ timeout: 10_000 })
      assert.ok(mock.seen.polls >= 2, 'the page polled the job until it finished')
      await eventually(
        async () => (await page.getByTestId('import-process-progress').getAttribute('aria-valuenow')) === '100',
        'processing shows 100 %',
      )
      assert.match(await textOf(page, 'import-result'), new RegExp(text.result))
      assert.match(await textOf(page, 'import-result'), /skipped 1203 bad rows/)
      assert.match(await textOf(page, 'import-bad-rows'), /1,203/)
      assert.match(await textOf(page, 'import-rows-read'), /1,205/)
      assert.equal(await textOf(page, 'import-bad-rows-capped'), text.capped)
      const rows = page.getByTestId('import-errors').locator('.el-table__body .el-table__row')
      assert.equal(await rows.count(), ERRORS.length)
      const cells = (await rows.nth(1).locator('td').allInnerTexts()).map((s) => s.trim())
      assert.deepEqual(cells, ['3', 'lineitem_quantity', 'quantity must be a whole number'])
      // The finished job now heads the recent list.
      await page.getByTestId('import-job-show-7').waitFor()
      const pollsWhenDone = mock.seen.polls
      await page.waitForTimeout(2500)
      assert.equal(mock.seen.polls, pollsWhenDone, 'polling stops once the job is done')

      // Exports are plain links the browser downloads.
      for (const entity of ['customers', 'products', 'orders']) {
        assert.equal(await page.getByTestId(`export-${entity}`).getAttribute('href'), `/api/v1/export/${entity}`)
      }
      await snapshot(page, `import-done-${locale}`)
    })
  })
}

test('en: a real import of customers stores the good rows, reports the bad one, and the export has them', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  const run = runToken()
  const csv = [
    'external_id,name,email,city,birthday,tags',
    `imp-${run}-1,Ida Import ${run},ida.${run}@example.com,Shanghai,1985-02-03,"vip,import"`,
    `imp-${run}-2,Ivo Import ${run},ivo.${run}@example.com,Beijing,not-a-date,import`,
    `imp-${run}-3,Ina Import ${run},ina.${run}@example.com,Shenzhen,,import`,
  ].join('\n')
  const api = await apiSession(baseUrl, email, password)
  await withBrowser('import-real', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/import`)
    await page.getByTestId('import-entity-customers').click()
    await page.getByTestId('import-skip-bad').click()
    await page
      .getByTestId('import-file')
      .locator('input[type=file]')
      .setInputFiles({ name: `customers-${run}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByTestId('import-start').click()
    await page.getByTestId('import-job-status').filter({ hasText: 'Succeeded' }).waitFor({ timeout: 30_000 })
    assert.match(await textOf(page, 'import-inserted'), /^Inserted\s+2$/)
    assert.match(await textOf(page, 'import-bad-rows'), /^Bad rows\s+1$/)
    const rows = page.getByTestId('import-errors').locator('.el-table__body .el-table__row')
    assert.equal(await rows.count(), 1)
    const [line, field] = (await rows.first().locator('td').allInnerTexts()).map((s) => s.trim())
    assert.equal(line, '3', 'the bad row is the file’s third line')
    assert.equal(field, 'birthday')
    const { items } = await api.get(`/customers?q=${encodeURIComponent(`Import ${run}`)}`)
    assert.deepEqual(items.map((c) => c.email).sort(), [`ida.${run}@example.com`, `ina.${run}@example.com`])
    await snapshot(page, 'import-real-en')

    // The export is the whole table, these customers included.
    const downloadPromise = page.waitForEvent('download')
    await page.getByTestId('export-customers').click()
    const download = await downloadPromise
    assert.match(download.suggestedFilename(), /^customers.*\.csv$/)
    const chunks = []
    for await (const chunk of await download.createReadStream()) chunks.push(chunk)
    const exported = Buffer.concat(chunks).toString('utf8')
    assert.ok(exported.includes(`ida.${run}@example.com`), 'the export holds the imported customer')
  })
})
