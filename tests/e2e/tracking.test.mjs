// The tracking snippet in a real browser: a shop page on another origin loads /t.js with a
// write key, the visitor browses, adds to the cart and signs in (identify), and the customer's
// 360° timeline on the CRM shows what they did, including what happened before they signed in.
// The cart page shows the visitor's recommendations (ecrm.recommend) as the API has them, and
// after the view of the camera reaches the customer's list, the lens bought with it comes first.
// Another shop page shows a configurable product's configurator (ecrm.configurator): the option
// groups, the price and the broken rule as the staff route prices and names them, repriced on
// each choice; ecrm.configure on its own gives a quote, or the error naming the field.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { config, eventually, withBrowser } from './browser.mjs'
import { snippetReason } from './reasons.mjs'

/** Signs in through the API; returns a fetch bound to the session (cookie + CSRF token). */
async function apiSession() {
  const { baseUrl, email, password } = config()
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  assert.equal(login.status, 200)
  const cookie = login.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await login.json()
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : null }
  }
}

/** A tiny shop on its own origin whose pages carry the snippet. */
async function startShop(baseUrl, key) {
  const page = (title, body) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<script>window.ecrm = window.ecrm || []; ecrm.push(['search', 'early bird'])</script>
<script async src="${baseUrl}/t.js" data-key="${key}"></script></head>
<body><h1>${title}</h1>${body}</body></html>`
  const pages = {
    '/': page('Home', '<a id="to-product" href="/product/cam-100">Camera</a>'),
    '/product/cam-100': page(
      'Camera 100',
      `<button id="add" onclick="ecrm.addToCart({sku:'E2E-CAM', name:'Camera 100', price:45000, quantity:1, currency:'EUR'})">Add</button>
       <button id="login" onclick="ecrm.identify(document.body.dataset.customer, {plan:'gold'})">Sign in</button>
       <a id="to-cart" href="/cart">Cart</a>
       <script>window.addEventListener('load', function () {
         (function wait() { if (window.ecrm && window.ecrm.loaded) ecrm.productView({sku:'E2E-CAM', name:'Camera 100', price:45000, currency:'EUR'}); else setTimeout(wait, 20) })()
       })</script>`,
    ),
    '/cart': page(
      'Cart',
      `<p>Your cart</p><div id="recs"></div>
       <script>ecrm.push(['recommend', '#recs', { limit: 3 }, function (data) { window.recsData = data }])</script>`,
    ),
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://shop').pathname
    const html = pages[path]
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(html ?? 'not found')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${server.address().port}` }
}

/** Products the shop's page shows (the camera) and orders that buy the camera with a lens; then a rebuild. */
async function seedRecommendations(api) {
  const product = async (sku, name, price) => {
    const r = await api('POST', '/api/v1/products', { sku, name, price, currency: 'EUR' })
    assert.equal(r.status, 201, JSON.stringify(r.body))
    return r.body.id
  }
  const camera = await product('E2E-CAM', 'Camera 100', 45000)
  const lens = await product('E2E-LENS', 'Lens 200', 12000)
  for (let k = 0; k < 3; k++) {
    const buyer = await api('POST', '/api/v1/customers', { name: `Lens Buyer ${k}` })
    assert.equal(buyer.status, 201)
    const order = await api('POST', '/api/v1/orders', {
      customer_id: buyer.body.id,
      lines: [{ product_id: camera, quantity: 1 }, { product_id: lens, quantity: 1 }],
    })
    assert.equal(order.status, 201, JSON.stringify(order.body))
  }
  const before = (await api('GET', '/api/v1/recommendations/rebuild')).body.build_id
  await eventually(async () => {
    const state = (await api('GET', '/api/v1/recommendations/rebuild')).body
    if (state.state === 'idle' && state.build_id !== before && state.build?.orders >= 3) return true
    if (state.state === 'idle') await api('POST', '/api/v1/recommendations/rebuild', {})
    return false
  }, 'a rebuild with the camera and lens orders', 30_000)
}

test('the snippet records views, cart events and identify; the timeline shows them', { timeout: 120_000 }, async () => {
  const { baseUrl } = config()
  const api = await apiSession()
  const created = await api('POST', '/api/v1/write-keys', { name: `e2e shop ${Date.now()}` })
  assert.equal(created.status, 201)
  const key = created.body.key
  const externalId = `E2E-${Date.now()}`
  const customer = await api('POST', '/api/v1/customers', { name: 'Tina Tracker', external_id: externalId })
  assert.equal(customer.status, 201)
  await seedRecommendations(api)

  const shop = await startShop(baseUrl, key)
  try {
    await withBrowser('tracking-snippet', 'en', async (page) => {
      await page.goto(`${shop.url}/`)
      await page.waitForFunction(() => window.ecrm && window.ecrm.loaded === true)
      const anonymousId = await page.evaluate(() => window.ecrm.anonymousId())
      assert.match(anonymousId, /^[0-9a-z]{22}$/)

      await page.click('#to-product')  // pagehide: the home page view leaves by beacon
      await page.waitForURL(`${shop.url}/product/cam-100`)
      await page.waitForFunction(() => window.ecrm && window.ecrm.loaded === true)
      await page.evaluate((id) => { document.body.dataset.customer = id }, externalId)
      await page.click('#add')
      await page.click('#login')
      await page.click('#to-cart')
      await page.waitForURL(`${shop.url}/cart`)

      // The anonymous id lives in a first-party cookie of the shop and survives navigation.
      const cookies = await page.context().cookies(shop.url)
      assert.equal(cookies.find((c) => c.name === '_ecrm_aid')?.value, anonymousId)
      assert.equal(await page.evaluate(() => window.ecrm.anonymousId()), anonymousId)

      const wanted = ['event.page_view', 'event.search', 'event.product_view', 'event.add_to_cart', 'event.identify']
      let kinds = []
      await eventually(async () => {
        const timeline = await api('GET', `/api/v1/customers/${customer.body.id}/timeline?limit=100`)
        kinds = timeline.body.items.map((item) => item.kind)
        return wanted.every((kind) => kinds.includes(kind)) && kinds.filter((k) => k === 'event.page_view').length >= 3
      }, `timeline shows ${wanted.join(', ')}; it has ${kinds.join(', ')}`, 20_000)

      const visitor = await api('GET', `/api/v1/visitors/${anonymousId}`)
      assert.equal(visitor.status, 200)
      assert.equal(visitor.body.customer_id, customer.body.id)
      assert.equal(visitor.body.external_id, externalId)
      assert.equal(visitor.body.sessions.length, 1)
      assert.equal(visitor.body.sessions[0].landing_url, `${shop.url}/`)

      const carts = await api('GET', '/api/v1/carts?status=open&limit=500')
      const cart = carts.body.items.find((c) => c.anonymous_id === anonymousId)
      assert.ok(cart, 'the cart was rebuilt from the add-to-cart event')
      assert.equal(cart.value, 45000)
      assert.equal(cart.customer_id, customer.body.id)

      // The cart page shows the visitor's recommendations: what the API answered, as a list.
      const shown = async () => {
        await page.waitForFunction(() => window.recsData !== undefined)
        const data = await page.evaluate(() => window.recsData)
        const rows = await page.locator('#recs ul.ecrm-recs > li.ecrm-rec').evaluateAll((items) =>
          items.map((li) => ({
            sku: li.dataset.sku,
            name: li.querySelector('.ecrm-rec-name').textContent,
            price: li.querySelector('.ecrm-rec-price').textContent,
            reason: li.querySelector('.ecrm-rec-reason').textContent,
          })),
        )
        return { data, rows }
      }
      let { data, rows } = await shown()
      assert.ok(data.items.length > 0, `recommendations for the visitor: ${JSON.stringify(data)}`)
      assert.deepEqual(rows.map((r) => r.sku), data.items.map((item) => item.sku))
      assert.deepEqual(rows.map((r) => r.name), data.items.map((item) => item.name))
      // Reasons come as data ({kind, product_names, viewed}); the snippet words them.
      assert.deepEqual(rows.map((r) => r.reason), data.items.map((item) => snippetReason(item.reason)))
      const euro = new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' })
      assert.deepEqual(rows.map((r) => r.price), data.items.map((item) => euro.format(item.price / 100)))
      assert.equal(await page.locator('#recs ul.ecrm-recs').getAttribute('aria-label'), 'Recommended for you')

      // The camera view reaches the customer's list within seconds: the lens comes first.
      const url = `${baseUrl}/api/v1/events/recommendations?key=${encodeURIComponent(key)}&anonymous_id=${anonymousId}`
      let answer = null
      await eventually(async () => {
        answer = await (await fetch(url)).json()
        return answer.source === 'personal' && answer.items[0]?.sku === 'E2E-LENS'
      }, 'the personal list puts the lens first', 10_000)
      assert.deepEqual(answer.items[0].reason, { kind: 'also_bought', product_names: ['Camera 100'], viewed: true })
      await page.evaluate(() => { window.recsData = undefined })
      await page.reload()
      ;({ data, rows } = await shown())
      assert.equal(rows[0].name, 'Lens 200')
      assert.equal(rows[0].price, euro.format(120))
      assert.equal(rows[0].reason, 'You viewed Camera 100; customers who bought it also bought this')

      // The staff UI: the snippet page shows the code with the key, the live stream shows the
      // events, the traffic dashboard the funnel.
      const { email, password } = config()
      await page.goto(`${baseUrl}/login`)
      await page.getByTestId('login-email').fill(email)
      await page.getByTestId('login-password').fill(password)
      await page.getByTestId('login-submit').click()
      await page.waitForURL((url) => url.pathname === '/dashboard')
      await page.getByTestId('nav-traffic').locator('.el-sub-menu__title').click()
      await page.getByTestId('nav-trafficSnippet').click()
      await page.waitForURL((url) => url.pathname === '/traffic/snippet')
      await page.getByTestId('write-keys-table').locator('tr', { hasText: key }).waitFor()
      await page.getByTestId('snippet-key-select').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: created.body.name }).click()
      await eventually(
        async () => (await page.getByTestId('snippet-code').innerText()).includes(`data-key="${key}"`),
        'the code to paste carries the chosen key',
      )
      await page.getByTestId('nav-trafficLive').click()
      await page.waitForURL((url) => url.pathname === '/traffic/live')
      await page.getByTestId('live-events').getByTestId('live-type-identify').first().waitFor()
      await page.getByTestId('nav-trafficDashboard').click()
      await page.waitForURL((url) => url.pathname === '/traffic')
      await page.getByTestId('funnel-chart').locator('canvas').waitFor()
      const visitors = Number((await page.getByTestId('traffic-visitors-value').innerText()).replace(/\D/g, ''))
      assert.ok(visitors >= 1, `the dashboard counts the visitor (${visitors})`)
    })
  } finally {
    shop.server.close()
  }
})

/** A shop page on its own origin showing a configurable product's configurator (ecrm.configurator). */
async function startConfiguratorShop(baseUrl, key, productId) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Build your workstation</title>
<script>window.ecrm = window.ecrm || [];
ecrm.push(['configurator', '#configurator', ${productId}, { onChange: function (quote) { window.lastQuote = quote } }])</script>
<script async src="${baseUrl}/t.js" data-key="${key}" data-auto-page="false"></script></head>
<body><h1>Build your workstation</h1><div id="configurator"></div></body></html>`
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://shop').pathname
    res.writeHead(path === '/' ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(path === '/' ? html : 'not found')
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${server.address().port}` }
}

test('the snippet configures a product: option groups, live price and the broken rules', { timeout: 120_000 }, async () => {
  const { baseUrl } = config()
  const api = await apiSession()
  const created = await api('POST', '/api/v1/write-keys', { name: `e2e configurator ${Date.now()}` })
  assert.equal(created.status, 201)
  const key = created.body.key
  const token = `${Date.now().toString(36)}`
  const product = await api('POST', '/api/v1/products', { sku: `SNIP-${token}`, name: `Workstation ${token}`, price: 100000, currency: 'EUR' })
  assert.equal(product.status, 201, JSON.stringify(product.body))
  const sku = (s) => `SNIP-${token}-${s}`
  const stored = await api('PUT', `/api/v1/products/${product.body.id}/configuration`, {
    groups: [
      {
        key: 'cpu',
        name: 'CPU',
        required: true,
        options: [
          { sku: sku('I5'), name: 'Core i5', price_delta: 0, stock_on_hand: 5 },
          { sku: sku('I9'), name: 'Core i9', price_delta: 20000, stock_on_hand: 5 },
        ],
      },
      {
        key: 'memory',
        name: 'Memory',
        required: true,
        options: [
          { sku: sku('16'), name: '16 GB', price_delta: 0, stock_on_hand: 5 },
          { sku: sku('64'), name: '64 GB', price_delta: 15000, stock_on_hand: 5 },
        ],
      },
    ],
    rules: [{ kind: 'requires', option: sku('64'), targets: [sku('I9')] }],
  })
  assert.equal(stored.status, 200, JSON.stringify(stored.body))
  const id = Object.fromEntries(stored.body.groups.flatMap((g) => g.options.map((o) => [o.sku, o.id])))
  const staffQuote = async (options) => {
    const r = await api('POST', `/api/v1/products/${product.body.id}/configure`, { options })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    return r.body
  }
  const euro = new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' })

  const shop = await startConfiguratorShop(baseUrl, key, product.body.id)
  try {
    await withBrowser('snippet-configurator', 'en', async (page) => {
      await page.goto(`${shop.url}/`)
      const price = page.locator('#configurator .ecrm-config .ecrm-price')
      // The groups as radio buttons, the first option of each required group chosen.
      const first = await staffQuote([id[sku('I5')], id[sku('16')]])
      await eventually(async () => (await price.count()) > 0 && (await price.innerText()) === euro.format(first.total / 100), 'the default price')
      assert.deepEqual(await page.locator('#configurator fieldset.ecrm-group').evaluateAll((sets) => sets.map((s) => s.dataset.key)), ['cpu', 'memory'])
      assert.equal(await page.locator('#configurator input.ecrm-option[type="radio"]').count(), 4)
      assert.equal(await price.getAttribute('data-valid'), 'true')

      // 64 GB with the i5: the requires rule, named with its message; the price of the choice.
      await page.locator(`#configurator input.ecrm-option[data-sku="${sku('64')}"]`).check()
      const broken = await staffQuote([id[sku('I5')], id[sku('64')]])
      assert.equal(broken.valid, false)
      await eventually(async () => (await price.getAttribute('data-valid')) === 'false', 'the configuration is invalid')
      const problems = page.locator('#configurator ul.ecrm-problems > li.ecrm-problem')
      assert.deepEqual(await problems.evaluateAll((items) => items.map((li) => li.dataset.code)), ['requires_unmet'])
      assert.equal(await problems.first().innerText(), broken.problems[0].message)
      assert.match(broken.problems[0].message, /64 GB.*Core i9/)
      assert.equal(await price.innerText(), euro.format(broken.total / 100))

      // The i9 makes it valid at the price the staff route answers.
      await page.locator(`#configurator input.ecrm-option[data-sku="${sku('I9')}"]`).check()
      const full = await staffQuote([id[sku('I9')], id[sku('64')]])
      assert.equal(full.valid, true)
      await eventually(async () => (await price.getAttribute('data-valid')) === 'true', 'valid again')
      assert.equal(await price.innerText(), euro.format(full.total / 100))
      assert.equal(await problems.count(), 0)
      const quote = await page.evaluate(() => window.lastQuote)
      assert.equal(quote.total, full.total)
      assert.deepEqual(quote.options.map((o) => o.sku), [sku('I9'), sku('64')])
      assert.ok(quote.options.every((o) => o.supplier_id === null))

      // ecrm.configure on its own: a quote, and an option of no product refused naming the field.
      const configure = (options) =>
        page.evaluate(
          ({ pid, options }) => new Promise((resolve) => window.ecrm.configure(pid, options, (q, e) => resolve({ q, e }))),
          { pid: product.body.id, options },
        )
      const direct = await configure({ options: [id[sku('I5')], id[sku('16')]], quantity: 2 })
      assert.equal(direct.e, null)
      assert.equal(direct.q.total, first.unit_price * 2)
      const refused = await configure([99999999])
      assert.equal(refused.q, null)
      assert.equal(refused.e.status, 422)
      assert.equal(refused.e.code, 'unknown_option')
      assert.equal(refused.e.field, 'options[0]')
    })
  } finally {
    shop.server.close()
  }
})
