// The demo shop (`ecrm demo --customers 5000`, loaded by run_e2e.sh into its own server): a
// repeat buyer's 360° page shows their orders in the timeline and summary, as the API does.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'
import { apiSession, signInPage } from './api.mjs'

test('demo shop: a customer 360° page shows the orders the API has for them', { timeout: 120_000 }, async (t) => {
  const demoUrl = process.env.ECRM_DEMO_URL
  if (!demoUrl) {
    t.skip('ECRM_DEMO_URL is not set (run through tests/scripts/run_e2e.sh)')
    return
  }
  const { email, password } = config()
  const api = await apiSession(demoUrl, email, password)
  const customers = await api.get('/customers?limit=200')
  assert.ok(customers.items.length >= 100, 'the demo shop has customers')
  // The first customer with several orders.
  let chosen = null
  let summary = null
  for (const c of customers.items) {
    const s = await api.get(`/customers/${c.id}/summary`)
    if (s.order_count >= 2 && s.order_count <= 10) {
      chosen = c
      summary = s
      break
    }
  }
  assert.ok(chosen, 'some demo customer has repeat orders')
  const orders = await api.get(`/orders?customer=${chosen.id}&limit=100`)
  assert.equal(orders.items.filter((o) => o.status !== 'cancelled').length, summary.order_count)
  const timeline = await api.get(`/customers/${chosen.id}/timeline?limit=100`)
  const placed = timeline.items.filter((e) => e.kind === 'order.placed')
  assert.equal(placed.length, orders.items.length, 'every order is placed in the timeline')

  await withBrowser('demo-360', 'en-US', async (page) => {
    await signInPage(page, demoUrl, email, password)
    await page.goto(`${demoUrl}/customers/${chosen.id}`)
    await page.getByTestId('page-title').filter({ hasText: chosen.name }).waitFor()
    // The summary cards show "—" until the summary has loaded.
    await eventually(async () => (await textOf(page, 'summary-orders')) !== '—',
      'the summary cards load', 30_000)
    assert.equal(await textOf(page, 'summary-orders'), String(summary.order_count))
    const newest = orders.items[0]
    await page.getByTestId(`timeline-order-link-${newest.id}`).first().waitFor()
    await snapshot(page, 'demo-customer-360')
  })
})
