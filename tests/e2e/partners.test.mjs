// Partners against a running ecrm server: staff make a supplier of this run with a product
// linked to it, a portal user and its sign-in link through the API; the partner signs in to the
// partner portal with the link, acknowledges its order line and confirms its shipment with a
// tracking number; staff find the partner on the partners page and its scorecard move (no
// shipments, then one shipped on time), with the figures the API answers. In English and Chinese.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/partners.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

/** A partner portal session opened with a sign-in link's token. */
async function partnerSession(baseUrl, token) {
  const opened = await fetch(`${baseUrl}/api/v1/portal/partner/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  })
  assert.equal(opened.status, 200, 'the sign-in link opens a partner session')
  const cookie = opened.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const { csrf_token: csrf } = await opened.json()
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}/api/v1/portal/partner${path}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`)
    return JSON.parse(text)
  }
}

for (const [locale, pct] of [
  ['en', (r) => new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 1 }).format(r)],
  ['zh-CN', (r) => new Intl.NumberFormat('zh-CN', { style: 'percent', minimumFractionDigits: 1 }).format(r)],
]) {
  test(`${locale}: a partner ships its line and staff see its scorecard move`, { timeout: 120_000 }, async () => {
    const { baseUrl, email, password } = config()
    const token = runToken()
    const api = await apiSession(baseUrl, email, password)
    const partner = await api.post('/partners', { name: `Supplier ${token}`, kind: 'supplier', lead_time_days: 5 }, 201)
    const product = await api.post('/products', { sku: `PRM-${token}`, name: `Partner Drill ${token}`, price: 12900, currency: 'EUR' }, 201)
    await api.post(`/partners/${partner.id}/products`, { product_id: product.id, cost: 8000, currency: 'EUR', lead_time_days: 3 }, 201)
    const user = await api.post(`/partners/${partner.id}/users`, { email: `ops-${token}@supplier.example`, name: 'Ops', role: 'partner_staff' }, 201)
    const customer = await api.post('/customers', { name: `Partner Buyer ${token}`, city: 'Lyon', country: 'FR' }, 201)
    const order = await api.post('/orders', { customer_id: customer.id, lines: [{ product_id: product.id, quantity: 2 }] }, 201)

    await withBrowser('partners', locale, async (page) => {
      await signInPage(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/partners`)
      await eventually(async () => (await page.getByTestId(`partner-name-${partner.id}`).count()) > 0, 'the partner is listed')
      await page.getByTestId(`partner-name-${partner.id}`).click()
      await eventually(async () => (await page.getByTestId('partner-scorecard').count()) > 0, 'the scorecard is shown')
      const before = await api.get(`/partners/${partner.id}/scorecard`)
      assert.equal(before.shipped_lines, 0)
      assert.equal(before.on_time_rate, null)
      assert.doesNotMatch(await page.getByTestId('partner-on-time').innerText(), /%/)
      assert.match(await page.getByTestId('partner-products').innerText(), new RegExp(`PRM-${token}`))

      // The partner signs in with the link staff made, acknowledges and ships its line.
      const link = await api.post(`/partners/${partner.id}/users/${user.id}/sign-in-link`, {}, 201)
      const portal = await partnerSession(baseUrl, link.token)
      const lines = await portal('GET', `/lines?order_id=${order.id}`)
      assert.deepEqual(
        lines.items.map((l) => l.id),
        [order.lines[0].id],
      )
      assert.equal(lines.items[0].delivery.city, 'Lyon')
      await portal('POST', `/lines/${order.lines[0].id}/acknowledge`, {})
      await portal('POST', `/lines/${order.lines[0].id}/shipment`, { carrier: 'DHL', tracking_number: `JD${token}` })
      const shipped = await api.get(`/orders/${order.id}`)
      assert.equal(shipped.status, 'shipped')
      assert.equal(shipped.tracking_number, `JD${token}`)

      // Staff see the scorecard move.
      const after = await api.get(`/partners/${partner.id}/scorecard`)
      assert.equal(after.shipped_lines, 1)
      assert.equal(after.on_time_rate, 1)
      await page.getByTestId(`partner-name-${partner.id}`).click()
      await page.reload()
      await eventually(async () => (await page.getByTestId(`partner-name-${partner.id}`).count()) > 0, 'the partner is listed again')
      await page.getByTestId(`partner-name-${partner.id}`).click()
      await eventually(
        async () => (await page.getByTestId('partner-on-time').count()) > 0 && (await page.getByTestId('partner-on-time').innerText()) === pct(1),
        'the on-time rate shows the shipment',
      )
    })
  })
}
