// The analytics dashboard against a running ecrm server: orders are created over the API, the
// "Recompute now" button starts a recomputation, and the page then draws its charts (tiers,
// R×F grid, Lorenz curve, CLV histogram, cohorts) and the top-20% share the API reports; the
// model page shows the fitted parameters.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, textOf, withBrowser } from './browser.mjs'

const DAY = 86_400_000

async function signIn(page, email, password) {
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
}

/** Creates a product, customers and their past orders through the API of the signed-in page. */
async function seed(page, baseUrl) {
  const me = await (await page.request.get(`${baseUrl}/api/v1/me`)).json()
  const headers = { 'X-CSRF-Token': me.csrf_token }
  const post = async (path, data) => {
    const response = await page.request.post(`${baseUrl}/api/v1${path}`, { data, headers })
    assert.equal(response.status(), 201, `${path}: ${await response.text()}`)
    return response.json()
  }
  const suffix = Date.now().toString(36)
  const product = await post('/products', { sku: `E2E-AN-${suffix}`, name: 'Tea set', price: 2500, currency: 'EUR' })
  // Customer k buys k + 1 times, at prices growing with k: a spread of tiers and values.
  for (let k = 0; k < 12; k++) {
    const customer = await post('/customers', { name: `Analytics Shopper ${k} ${suffix}` })
    for (let n = 0; n <= k; n++) {
      await post('/orders', {
        customer_id: customer.id,
        placed_at: Date.now() - (20 + 45 * n + 7 * k) * DAY,
        lines: [{ product_id: product.id, quantity: 1 + (n % 2), unit_price: 1000 * (k + 1) }],
      })
    }
  }
}

test('en: the analytics dashboard draws its charts after a recomputation', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('analytics-dashboard', 'en', async (page) => {
    await page.goto(`${baseUrl}/login`)
    await signIn(page, email, password)
    await page.waitForURL((url) => url.pathname === '/dashboard')
    await seed(page, baseUrl)

    await page.getByTestId('nav-analytics').click()
    await page.waitForURL((url) => url.pathname === '/analytics')
    assert.equal(await textOf(page, 'analytics-title'), 'Analytics')

    // Recompute from the page and wait for the job to come back with a model.
    const before = await (await page.request.get(`${baseUrl}/api/v1/analytics/recompute`)).json()
    await eventually(async () => (await page.getByTestId('analytics-recompute').isEnabled()), 'the recompute button is ready')
    const started = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/analytics/recompute') && r.request().method() === 'POST',
    )
    await page.getByTestId('analytics-recompute').click()
    const response = await started
    assert.ok([202, 409].includes(response.status()), `recompute answered ${response.status()}`)
    await eventually(
      async () => {
        const job = await (await page.request.get(`${baseUrl}/api/v1/analytics/recompute`)).json()
        return job.state === 'idle' && job.model_id !== before.model_id && job.last_status === 'ok'
      },
      'the recomputation finishes',
      60_000,
    )

    // The page reloads by itself when the job is done: every chart gets its canvas.
    for (const chart of ['chart-tiers', 'chart-rf', 'chart-lorenz', 'chart-clv', 'chart-cohorts']) {
      await page.getByTestId(chart).locator('canvas').first().waitFor({ timeout: 30_000 })
    }
    const pareto = await (await page.request.get(`${baseUrl}/api/v1/analytics/pareto`)).json()
    assert.ok(pareto.customers >= 12, `scored ${pareto.customers} customers`)
    const share = (pareto.top20_share * 100).toFixed(1)
    await eventually(
      async () => (await textOf(page, 'analytics-top20')).includes(share),
      `the Lorenz card shows the top-20% share ${share}%`,
    )
    const customers = await textOf(page, 'analytics-stat-customers')
    assert.equal(customers.replace(/[^\d]/g, ''), String(pareto.customers))

    // The model page shows the fitted parameters.
    await page.getByTestId('analytics-model-link').click()
    await page.waitForURL((url) => url.pathname === '/analytics/model')
    assert.equal(await textOf(page, 'model-title'), 'Lifetime value model')
    await page.getByTestId('model-summary').waitFor()
    await page.getByTestId('model-cuts').waitFor()
    const model = await (await page.request.get(`${baseUrl}/api/v1/analytics/clv/model`)).json()
    if (model.params.bgnbd) {
      // The four parameters, the log-likelihood and the number of customers the fit used.
      const text = await textOf(page, 'model-bgnbd')
      for (const label of ['r', 'α', 'a', 'b', 'Log-likelihood', 'Fitted on']) {
        assert.ok(text.split(/\s*\n\s*|\t/).includes(label), `"${label}" in ${text}`)
      }
      assert.ok(text.includes(String(model.params.bgnbd.customers)), text)
    } else {
      await page.getByText(model.params.bgnbd_error).first().waitFor()
    }
  })
})

test('zh-CN: the analytics page is translated', { timeout: 60_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('analytics-zh', 'zh-CN', async (page) => {
    await page.goto(`${baseUrl}/login`)
    await signIn(page, email, password)
    await page.waitForURL((url) => url.pathname === '/dashboard')
    await page.goto(`${baseUrl}/analytics`)
    assert.equal(await textOf(page, 'analytics-title'), '数据分析')
    assert.equal((await textOf(page, 'analytics-recompute')).trim().length > 0, true)
    assert.equal(await textOf(page, 'analytics-recompute'), '立即重新计算')
  })
})
