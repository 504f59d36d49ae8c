// The customer economics page against a running ecrm server: customers of a channel of the test's
// own are created this month and its acquisition cost entered over the API; the page's table shows
// the channel with its customers and the CLV/CAC the API reports; a cost entered in the page's form
// is stored; a CSV with a bad line shows the server's error naming the line and stores nothing.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, textOf, withBrowser } from './browser.mjs'

async function signIn(page, email, password) {
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
}

function inputOf(page, testId) {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first()
}

function thisMonth() {
  const d = new Date()
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`
}

test('zh-CN: the economics page shows a channel CAC and CLV/CAC and stores costs', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('analytics-economics', 'zh-CN', async (page) => {
    await page.goto(`${baseUrl}/login`)
    await signIn(page, email, password)
    await page.waitForURL((url) => url.pathname === '/dashboard')

    const me = await (await page.request.get(`${baseUrl}/api/v1/me`)).json()
    const headers = { 'X-CSRF-Token': me.csrf_token }
    const channel = `e2e-${Date.now().toString(36)}`
    const month = thisMonth()
    for (let k = 0; k < 3; k++) {
      const r = await page.request.post(`${baseUrl}/api/v1/customers`, { data: { name: `Econ ${k} ${channel}`, channel }, headers })
      assert.equal(r.status(), 201, await r.text())
    }
    const put = await page.request.put(`${baseUrl}/api/v1/analytics/economics/costs`, {
      data: { entries: [{ month, kind: 'acquisition', dimension: 'channel', name: channel, amount: 90000 }] },
      headers,
    })
    assert.equal(put.status(), 200, await put.text())
    const report = await (
      await page.request.get(`${baseUrl}/api/v1/analytics/economics?from=${month}&to=${month}&by=channel`)
    ).json()
    const group = report.groups.find((g) => g.name === channel)
    assert.equal(group.customers, 3)
    assert.equal(group.cac, 30000)

    await page.goto(`${baseUrl}/analytics`)
    await page.getByTestId('analytics-economics-link').click()
    await page.waitForURL((url) => url.pathname === '/analytics/economics')
    assert.equal(await textOf(page, 'economics-title'), '客户经济')
    await page.getByTestId('chart-economics').waitFor()
    const row = page.getByTestId('economics-table').locator('tr', { hasText: channel })
    await row.waitFor()
    const cells = await row.locator('td').allInnerTexts()
    assert.equal(cells[1].trim(), '3')
    assert.equal(cells[5].trim(), group.clv_cac === null ? '—' : String(Number(group.clv_cac)))

    // A retention cost for the channel through the form.
    const form = page.getByTestId('economics-cost-form')
    await form.locator('.el-select').nth(0).click()
    await page.locator('.el-select-dropdown__item', { hasText: '留存' }).click()
    await inputOf(page, 'economics-cost-name').fill(channel)
    await inputOf(page, 'economics-cost-amount').fill('12.5')
    await inputOf(page, 'economics-cost-amount').press('Tab')
    await page.getByTestId('economics-cost-save').click()
    await eventually(async () => {
      const costs = await (await page.request.get(`${baseUrl}/api/v1/analytics/economics/costs?from=${month}&to=${month}`)).json()
      return costs.entries.some((e) => e.name === channel && e.kind === 'retention' && e.amount === 1250)
    }, 'the retention cost is stored')

    // A CSV whose second record has a negative amount: the server's error, nothing stored.
    const csv = `month,dimension,name,amount\n${month},source,${channel}-csv,100\n${month},source,${channel}-csv2,-5\n`
    await page.getByTestId('economics-import').setInputFiles({ name: 'costs.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await page.getByText('line 3.amount').first().waitFor()
    const costs = await (await page.request.get(`${baseUrl}/api/v1/analytics/economics/costs?from=${month}&to=${month}`)).json()
    assert.equal(costs.entries.filter((e) => e.name.startsWith(`${channel}-csv`)).length, 0)
  })
})
