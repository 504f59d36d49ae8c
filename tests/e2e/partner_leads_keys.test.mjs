// The staff screens of partner leads, the partner API and purchasing, against a running ecrm
// server, with the data made through the API. Staff add a partner's lead rule on its page (a
// priority out of range refused with the server's message under the field), take a lead by hand
// and find it routed to the partner whose rule matches best (the rule named as the reason), route
// it to another partner and filter the leads list by partner and status; make a partner API key
// (its secret shown once, with its warning), which works until staff revoke it and then gets 401;
// add a webhook (a bad address refused under its field; the signing secret shown once), see it
// listed, change its events and read its delivery log; and read the purchase suggestions of a product with sales, as the
// API computes them, with the CSV download (in Chinese).
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/partner_leads_keys.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

/** The error shown under the form field holding the element with the given data-testid. */
async function fieldError(page, testId) {
  const item = page.locator('.el-form-item', { has: page.getByTestId(testId) })
  const error = item.locator('.el-form-item__error')
  return (await error.count()) > 0 ? (await error.first().innerText()).trim() : ''
}

/** Waits for the server's refusal `message` under the form field holding `testId`. */
async function refusedUnder(page, testId, message, what) {
  await eventually(async () => (await fieldError(page, testId)) === message, `${what}: "${message}" under its field`)
}

/** Opens the Element Plus select with `testId`, types `text` when it is searchable, and clicks the option showing it. */
async function choose(page, testId, text, search = false) {
  await page.getByTestId(testId).click()
  if (search) await page.keyboard.type(text)
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
  await eventually(async () => (await page.locator('.el-select__popper:visible').count()) === 0, 'the dropdown closes')
}

/** Types `value` into the tag select with `testId` (allow-create) and makes it a tag. */
async function addTag(page, testId, value) {
  await page.getByTestId(testId).click()
  await page.keyboard.type(value)
  await page.keyboard.press('Enter')
  await page.keyboard.press('Escape')
}

/** The text box of an Element Plus input (the test id is on the input itself, or on its wrapper). */
function inputOf(page, testId) {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first()
}

/** Confirms the open message box. */
async function confirmBox(page) {
  await page.locator('.el-message-box__btns .el-button--primary').click()
}

/** A request to the partner API with `key` as its only credential. */
async function withKey(baseUrl, key, path) {
  return fetch(`${baseUrl}/api/v1/portal/partner${path}`, { headers: { Authorization: `Bearer ${key}` } })
}

test('en: a lead taken by hand is routed by the matching lead rule and routed again by hand', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  const token = runToken()
  const api = await apiSession(baseUrl, email, password)
  const region = `Region ${token}`
  const first = await api.post('/partners', { name: `Lead Distributor ${token}`, kind: 'distributor', country: 'DE' }, 201)
  const second = await api.post('/partners', { name: `Lead Wholesaler ${token}`, kind: 'wholesaler', country: 'DE' }, 201)
  // The second partner takes any lead of the region, at a lower priority.
  await api.post(`/partners/${second.id}/lead-rules`, { regions: [region], priority: 1 }, 201)

  await withBrowser('partner-leads', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)

    // The partners section lists the leads and purchase suggestions.
    await page.goto(`${baseUrl}/partners`)
    if (!(await page.getByTestId('nav-leads').isVisible())) await page.getByTestId('nav-partners').locator('.el-sub-menu__title').click()
    await eventually(
      async () => (await page.getByTestId('nav-leads').isVisible()) && (await page.getByTestId('nav-suggestions').isVisible()),
      'the menu entries',
    )

    // The first partner's lead rule, on its page: an out-of-range priority is refused under its field.
    await page.goto(`${baseUrl}/partners/${first.id}?tab=leadRules`)
    await page.getByTestId('lead-rule-new').click()
    await addTag(page, 'lead-rule-countries', 'de')
    await addTag(page, 'lead-rule-regions', region)
    await page.getByTestId('lead-rule-priority').fill('5000')
    await page.getByTestId('lead-rule-save').click()
    const tooHigh = await api.post(`/partners/${first.id}/lead-rules`, { countries: ['DE'], regions: [region], priority: 5000 }, 400)
    assert.equal(tooHigh.error.field, 'priority')
    await refusedUnder(page, 'lead-rule-priority', tooHigh.error.message, 'a priority over 1000')
    assert.equal((await api.get(`/partners/${first.id}/lead-rules`)).items.length, 0, 'nothing stored')
    await page.getByTestId('lead-rule-priority').fill('5')
    await page.getByTestId('lead-rule-save').click()
    await eventually(async () => (await api.get(`/partners/${first.id}/lead-rules`)).items.length === 1, 'the rule is stored')
    const [rule] = (await api.get(`/partners/${first.id}/lead-rules`)).items
    assert.deepEqual([rule.countries, rule.regions, rule.category_ids, rule.priority], [['DE'], [region], [], 5])
    await eventually(async () => (await page.getByTestId(`lead-rule-priority-${rule.id}`).count()) > 0, 'the rule is listed')
    assert.equal(await textOf(page, `lead-rule-countries-${rule.id}`), 'DE')
    await snapshot(page, 'partner-lead-rules-en')

    // A lead taken by hand: without a way to reach the contact the server's message stands under its field.
    await page.goto(`${baseUrl}/partners/leads`)
    await page.getByTestId('lead-new').click()
    await page.getByTestId('new-lead-contact').fill(`Buyer ${token}`)
    await page.getByTestId('new-lead-save').click()
    const unreachable = await api.post('/leads', { contact_name: `Buyer ${token}` }, 400)
    await refusedUnder(page, `new-lead-${unreachable.error.field}`, unreachable.error.message, 'a lead without e-mail or phone')
    await page.getByTestId('new-lead-company').fill(`Works ${token}`)
    await page.getByTestId('new-lead-email').fill(`buyer-${token}@works.example`)
    await page.getByTestId('new-lead-country').fill('de')
    await page.getByTestId('new-lead-region').fill(region)
    await page.getByTestId('new-lead-quantity').fill('40')
    await page.getByTestId('new-lead-save').click()
    await page.waitForURL(/\/partners\/leads\/\d+$/)
    const leadId = Number(new URL(page.url()).pathname.split('/').pop())

    // Routed to the partner whose rule matches best (priority 5 over 1), with that rule as the reason.
    const lead = await api.get(`/leads/${leadId}`)
    assert.equal(lead.status, 'routed')
    assert.equal(lead.partner_id, first.id)
    assert.equal(lead.source, 'staff')
    await eventually(
      async () => (await page.getByTestId('lead-partner').count()) > 0 && (await textOf(page, 'lead-partner')) === first.name,
      'the partner is shown',
    )
    await eventually(async () => /priority 5/.test(await textOf(page, 'lead-reason')), 'the matching rule is the reason')
    assert.match(await textOf(page, 'lead-reason'), new RegExp(`countries DE; regions ${region}`))
    assert.equal(await textOf(page, 'lead-status'), 'Routed')
    assert.equal(await page.getByTestId('lead-history-routed').count(), 1)
    assert.match(await textOf(page, 'lead-history-routed'), new RegExp(first.name))
    await snapshot(page, 'partner-lead-en')

    // Routed by hand to the other partner.
    await choose(page, 'lead-route-partner', second.name, true)
    await page.getByTestId('lead-route').click()
    await eventually(async () => (await textOf(page, 'lead-partner')) === second.name, 'the lead shows its new partner')
    const rerouted = await api.get(`/leads/${leadId}`)
    assert.equal(rerouted.partner_id, second.id)
    assert.equal(rerouted.status, 'routed')

    // The list by partner and status.
    await page.goto(`${baseUrl}/partners/leads?partner=${second.id}`)
    await eventually(async () => (await page.getByTestId(`lead-link-${leadId}`).count()) > 0, "the lead is in the second partner's list")
    assert.equal(await textOf(page, `lead-partner-${leadId}`), second.name)
    await page.goto(`${baseUrl}/partners/leads?partner=${first.id}`)
    await eventually(
      async () => (await page.getByTestId('leads-table').innerText()).includes('No leads'),
      "nothing in the first partner's list",
    )
    await page.goto(`${baseUrl}/partners/leads?status=routed&partner=${second.id}`)
    await eventually(async () => (await page.getByTestId(`lead-link-${leadId}`).count()) > 0, 'the routed lead is listed')
    await choose(page, 'lead-filter-status', 'Won')
    await eventually(async () => /status=won/.test(page.url()), 'the status is in the address')
    await eventually(async () => (await page.getByTestId(`lead-link-${leadId}`).count()) === 0, 'no won lead')
  })
})

test('en: a partner API key is shown once and refused after it is revoked; a webhook is added', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  const token = runToken()
  const api = await apiSession(baseUrl, email, password)
  const partner = await api.post('/partners', { name: `Key Supplier ${token}`, kind: 'supplier', lead_time_days: 4 }, 201)
  const product = await api.post('/products', { sku: `KEY-${token}`, name: `Keyed Lamp ${token}`, price: 4500, currency: 'EUR' }, 201)
  await api.post(`/partners/${partner.id}/products`, { product_id: product.id, cost: 2000, currency: 'EUR', lead_time_days: 2 }, 201)

  await withBrowser('partner-api', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/partners/${partner.id}`)
    await page.locator('#tab-apiKeys').click()

    // A key: its secret once, with the warning; it acts as the partner.
    await page.getByTestId('api-key-name').fill(`ERP ${token}`)
    await page.getByTestId('api-key-create').click()
    await eventually(async () => (await page.getByTestId('api-key-secret').count()) > 0, 'the secret is shown')
    const key = await inputOf(page, 'api-key-secret').inputValue()
    assert.match(await textOf(page, 'api-key-secret-warning'), /shown only this once/)
    const me = await withKey(baseUrl, key, '/me')
    assert.equal(me.status, 200)
    assert.equal((await me.json()).partner_id, partner.id)
    const [made] = (await api.get(`/partners/${partner.id}/api-keys`)).items
    assert.ok(key.startsWith(made.prefix), 'the key starts with its prefix')
    await snapshot(page, 'partner-api-key-secret-en')
    await page.getByTestId('api-key-secret-close').click()
    await eventually(async () => (await page.getByTestId('api-key-secret').count()) === 0, 'the secret is gone')
    assert.ok(!(await page.locator('body').innerText()).includes(key), 'the secret is not shown again')
    assert.equal(await textOf(page, `api-key-prefix-${made.id}`), `${made.prefix}…`)
    assert.equal(await textOf(page, `api-key-state-${made.id}`), 'Active')

    // Revoked: the page says so and the key gets 401.
    await page.getByTestId(`api-key-revoke-${made.id}`).click()
    await confirmBox(page)
    await eventually(async () => /^Revoked/.test(await textOf(page, `api-key-state-${made.id}`)), 'the key is revoked')
    assert.equal(await page.getByTestId(`api-key-revoke-${made.id}`).count(), 0)
    assert.ok((await api.get(`/partners/${partner.id}/api-keys`)).items[0].revoked_at)
    assert.equal((await withKey(baseUrl, key, '/me')).status, 401)
    assert.equal((await withKey(baseUrl, key, '/lines')).status, 401)

    // A webhook: a bad address refused under its field, then added with its secret shown once.
    await page.locator('#tab-webhooks').click()
    await page.getByTestId('webhook-url').fill('ftp://hooks.example/x')
    await page.getByTestId('webhook-add').click()
    const badUrl = await api.post(`/partners/${partner.id}/webhooks`, { url: 'ftp://hooks.example/x', events: ['order_line.created'] }, 400)
    await refusedUnder(page, 'webhook-url', badUrl.error.message, 'an ftp address')
    assert.equal((await api.get(`/partners/${partner.id}/webhooks`)).items.length, 0, 'nothing stored')
    const url = `https://hooks.example/${token}`
    await page.getByTestId('webhook-url').fill(url)
    await page.getByTestId('webhook-event-order_line.updated').click()
    await page.getByTestId('webhook-add').click()
    await eventually(async () => (await page.getByTestId('webhook-secret').count()) > 0, 'the signing secret is shown')
    assert.match(await inputOf(page, 'webhook-secret').inputValue(), /^whsec_/)
    await page.getByTestId('webhook-secret-close').click()
    const [hook] = (await api.get(`/partners/${partner.id}/webhooks`)).items
    assert.equal(hook.url, url)
    assert.deepEqual([...hook.events].sort(), ['order_line.created', 'order_line.updated'])
    await eventually(async () => (await page.getByTestId(`webhook-url-${hook.id}`).count()) > 0, 'the webhook is listed')
    assert.equal(await textOf(page, `webhook-url-${hook.id}`), url)
    assert.equal(await textOf(page, `webhook-state-${hook.id}`), 'Active')

    // Its events changed: without any the server's message stands under the field; then one.
    await page.getByTestId(`webhook-edit-${hook.id}`).click()
    await page.getByTestId('webhook-edit-event-order_line.created').click()
    await page.getByTestId('webhook-edit-event-order_line.updated').click()
    await page.getByTestId('webhook-edit-save').click()
    const refusal = await api.patch(`/partners/${partner.id}/webhooks/${hook.id}`, { events: [] }).then(
      () => assert.fail('a webhook without events is refused'),
      (error) => error.message,
    )
    assert.match(refusal, /: 400: /)
    const noEvents = JSON.parse(refusal.slice(refusal.indexOf('{')))
    await refusedUnder(page, 'webhook-edit-event-order_line.created', noEvents.error.message, 'a webhook without events')
    await page.getByTestId('webhook-edit-event-order_line.created').click()
    await page.getByTestId('webhook-edit-save').click()
    await eventually(async () => (await api.get(`/partners/${partner.id}/webhooks`)).items[0].events.length === 1, 'the events are saved')
    assert.deepEqual((await api.get(`/partners/${partner.id}/webhooks`)).items[0].events, ['order_line.created'])
    assert.equal((await api.get(`/partners/${partner.id}/webhooks`)).items[0].url, url)

    // A line of the partner's product is queued for it: the delivery log shows it as the API does.
    const customer = await api.post('/customers', { name: `Hook Buyer ${token}`, email: `hook-${token}@example.com`, country: 'FR' }, 201)
    const order = await api.post('/orders', { customer_id: customer.id, lines: [{ product_id: product.id, quantity: 1 }] }, 201)
    let delivery
    await eventually(
      async () => {
        ;[delivery] = (await api.get(`/partners/${partner.id}/webhooks/${hook.id}/deliveries`)).items
        return delivery !== undefined
      },
      'a delivery is queued',
      20_000,
    )
    assert.equal(delivery.order_line_id, order.lines[0].id)
    await page.getByTestId(`webhook-deliveries-${hook.id}`).click()
    await eventually(async () => (await page.getByTestId(`delivery-status-${delivery.id}`).count()) > 0, 'the delivery is listed')
    const statuses = { queued: 'Queued', sent: 'Sent', failed: 'Failed' }
    await eventually(async () => {
      const [now] = (await api.get(`/partners/${partner.id}/webhooks/${hook.id}/deliveries`)).items
      return (await textOf(page, `delivery-status-${delivery.id}`)) === statuses[now.status]
    }, 'the status as the API gives it')
    await snapshot(page, 'partner-webhooks-en')
  })
})

test('zh-CN: purchase suggestions show a product with sales as the API computes it', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  const token = runToken()
  const api = await apiSession(baseUrl, email, password)
  const partner = await api.post('/partners', { name: `采购供应商 ${token}`, kind: 'supplier', lead_time_days: 6 }, 201)
  const product = await api.post(
    '/products',
    { sku: `BUY-${token}`, name: `Restock Kettle ${token}`, price: 3900, currency: 'EUR', stock_on_hand: 30 },
    201,
  )
  await api.post(`/partners/${partner.id}/products`, { product_id: product.id, cost: 1500, currency: 'EUR', lead_time_days: 5 }, 201)
  const customer = await api.post('/customers', { name: `Kettle Buyer ${token}`, email: `kettle-${token}@example.com`, country: 'CN' }, 201)
  await api.post('/orders', { customer_id: customer.id, lines: [{ product_id: product.id, quantity: 14 }] }, 201)

  await withBrowser('purchase-suggestions', 'zh-CN', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/partners/purchase-suggestions?days=14`)
    await eventually(async () => (await page.getByTestId(`suggestion-${product.id}`).count()) > 0, 'the product has a row')
    assert.equal(await textOf(page, 'page-title'), '采购建议')
    const suggestions = await api.get('/purchasing/suggestions?days=14')
    const row = suggestions.items.find((s) => s.product_id === product.id)
    assert.ok(row, 'the API suggests the product')
    assert.equal(row.velocity, 1, '14 units over 14 days')
    assert.equal(row.partner_id, partner.id)
    const count = (n) => new Intl.NumberFormat('zh-CN').format(n)
    assert.equal(await textOf(page, `suggestion-stock-${product.id}`), count(row.stock_on_hand))
    assert.equal(await textOf(page, `suggestion-velocity-${product.id}`), count(1))
    assert.equal(await textOf(page, `suggestion-reorder-point-${product.id}`), count(row.reorder_point))
    assert.equal(await textOf(page, `suggestion-quantity-${product.id}`), count(row.suggested_quantity))
    assert.equal(await textOf(page, `suggestion-supplier-${product.id}`), partner.name)

    // Another window from the field: the address and the figures follow.
    const days = inputOf(page, 'suggestions-days')
    await days.fill('28')
    await days.press('Enter')
    await eventually(async () => /days=28/.test(page.url()), 'the window is in the address')
    const wider = (await api.get('/purchasing/suggestions?days=28')).items.find((s) => s.product_id === product.id)
    assert.equal(wider.velocity, 0.5)
    await eventually(
      async () => (await textOf(page, `suggestion-velocity-${product.id}`)) === new Intl.NumberFormat('zh-CN').format(0.5),
      'the velocity over 28 days',
    )

    // The CSV download has the same rows.
    const href = await page.getByTestId('suggestions-csv').getAttribute('href')
    assert.match(href, /format=csv/)
    assert.match(href, /days=28/)
    const csv = await page.request.get(`${baseUrl}${href}`)
    assert.equal(csv.status(), 200)
    assert.match(csv.headers()['content-type'], /text\/csv/)
    assert.match(await csv.text(), new RegExp(`BUY-${token}`))
    await snapshot(page, 'purchase-suggestions-zh-CN')
  })
})
