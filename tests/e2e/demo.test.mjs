// The demo shop (`ecrm demo --customers 5000`, loaded by run_e2e.sh into its own server): a
// repeat buyer's 360° page shows their orders in the timeline and summary, as the API does; the
// home page shows this week's sales and carts, and the traffic dashboard the demo's visitors and
// about 75% of carts abandoned.

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

test("demo shop: the home page shows the shop's day and the traffic dashboard its last 90 days", { timeout: 120_000 }, async (t) => {
  const demoUrl = process.env.ECRM_DEMO_URL
  if (!demoUrl) {
    t.skip('ECRM_DEMO_URL is not set (run through tests/scripts/run_e2e.sh)')
    return
  }
  const { email, password } = config()
  const api = await apiSession(demoUrl, email, password)
  const day = await api.get('/home')
  assert.ok(day.sales.this_week.revenue > 0, 'the demo shop sold something this week')
  assert.ok(day.sales.this_week.orders > 0)
  assert.ok(day.carts.this_week.abandoned > 0, 'carts were left this week')
  const overview = await api.get('/traffic/overview')
  assert.ok(overview.visitors > 0, 'the demo shop has visitors in the last 30 days')
  const abandonment = await api.get('/traffic/abandonment')
  assert.ok(abandonment.rate >= 0.7 && abandonment.rate <= 0.8, `about three carts in four are left (${abandonment.rate})`)

  const money = (minor) => new Intl.NumberFormat('en-US', { style: 'currency', currency: day.sales.currency }).format(minor / 100)
  await withBrowser('demo-home', 'en-US', async (page) => {
    await signInPage(page, demoUrl, email, password)
    await page.goto(`${demoUrl}/dashboard`)
    await page.getByTestId('home-revenue-week-value').waitFor()
    assert.equal(await textOf(page, 'home-revenue-week-value'), money(day.sales.this_week.revenue))
    assert.equal(await textOf(page, 'home-orders-week-value'), new Intl.NumberFormat('en-US').format(day.sales.this_week.orders))
    await page.getByTestId('week-chart').locator('canvas').waitFor()
    await page.getByTestId('home-carts').waitFor()
    assert.match(await textOf(page, 'home-carts-rate'), /\d+(\.\d)?%/)
    await snapshot(page, 'demo-home')

    await page.goto(`${demoUrl}/traffic`)
    await page.getByTestId('traffic-visitors-value').waitFor()
    assert.equal(await textOf(page, 'traffic-visitors-value'), new Intl.NumberFormat('en-US').format(overview.visitors))
    const rate = await textOf(page, 'traffic-abandonment-value')
    assert.match(rate, /^(7\d(\.\d)?|80)%$/, `the abandonment rate shown is about 75% (${rate})`)
    await page.getByTestId('visitors-chart').locator('canvas').waitFor()
    await snapshot(page, 'demo-traffic')
  })
})
