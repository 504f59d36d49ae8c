// The satisfaction and SLA dashboard against a running ecrm server: tickets of a category of
// this run's own are opened, answered and solved over the API; the dashboard grouped by category
// lists them with their count, in English and in Chinese.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/service_reports.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, textOf, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

async function seed(baseUrl, email, password, category) {
  const api = await apiSession(baseUrl, email, password)
  const customer = await api.post('/customers', { name: `Report Customer ${category}`, email: `${category}@reports.example` }, 201)
  for (const channel of ['email', 'phone', 'phone']) {
    const ticket = await api.post('/tickets', { customer_id: customer.id, subject: `Report ${channel}`, body: 'Help', channel, category }, 201)
    await api.post(`/tickets/${ticket.id}/replies`, { body: 'Done.' }, 201)
    await api.patch(`/tickets/${ticket.id}`, { status: 'solved' })
  }
}

for (const [locale, title, grouping] of [
  ['en', 'Satisfaction and SLA', 'Category'],
  ['zh-CN', '满意度与 SLA', '类别'],
]) {
  test(`${locale}: the satisfaction dashboard groups the period's tickets`, { timeout: 120_000 }, async () => {
    const { baseUrl, email, password } = config()
    const category = `e2e-sat-${runToken()}`
    await seed(baseUrl, email, password, category)
    await withBrowser('service-reports', locale, async (page) => {
      await signInPage(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/service/reports`)
      await eventually(async () => (await page.getByTestId('page-title').count()) > 0, 'the dashboard shows')
      assert.equal(await textOf(page, 'page-title'), title)
      await page.getByTestId('reports-by').getByText(grouping, { exact: true }).click()
      const row = page.getByTestId('reports-table').locator('tr', { hasText: category })
      await eventually(async () => (await row.count()) > 0, `the ${category} row is listed`)
      // The category's three tickets, each answered: the count cell follows the name.
      const cells = await row.first().locator('td').allInnerTexts()
      assert.equal(cells[0].trim(), category)
      assert.equal(cells[1].trim(), '3')
    })
  })
}
