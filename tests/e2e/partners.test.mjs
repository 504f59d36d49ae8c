// Partners against a running ecrm server: staff make a supplier of this run with a product
// linked to it, a partner admin and an order of the product through the API. On the staff
// partners page the partner's scorecard shows no shipments; staff open the partner's page and
// make a sign-in link for the partner user there. The partner signs in to the partner portal
// (/partner) with that link in the browser, sees its order line with the customer's delivery
// name and place only, filters its lines by state, acknowledges the line and confirms its shipment
// with carrier and tracking number (a missing carrier refused with the server's message under the
// field), and the order is shipped with that number; it updates the product's stock and lead time
// (a negative stock refused with the server's message under the field, nothing changed), reads
// its own scorecard and signs out. Staff then see the partner's scorecard move on its page, with
// the figures the API answers, and the partner in the ranking of the product's suppliers. In
// English (with the portal's language switch) and in Chinese. A supplier of a configured
// product's memory sees, on its line, its part (group, SKU, name in the page's language,
// quantity) as the portal's API answers it, and nothing of the CPU another supplier provides.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/partners.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

// What the pages show for the states of a line and for the portal's section titles.
const TEXTS = {
  en: {
    acknowledged: 'Acknowledged',
    shipped: 'Shipped',
    lines: 'Order lines',
    signIn: 'Sign in',
  },
  'zh-CN': {
    acknowledged: '已接单',
    shipped: '已发货',
    lines: '订单行',
    signIn: '登录',
  },
}

/** Formats as the UI does (web/src/shared/format.ts) in `locale`. */
function formats(locale) {
  return {
    count: (n) => new Intl.NumberFormat(locale).format(n),
    pct: (r) =>
      new Intl.NumberFormat(locale, {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }).format(r),
    decimal: (x) => new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(x),
    money: (minor, currency) => new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100),
  }
}

/** The partner portal's API as the signed-in browser calls it (its cookie, its CSRF token). */
function portalApi(page, baseUrl) {
  const url = (path) => `${baseUrl}/api/v1/portal/partner${path}`
  return {
    get: async (path) => page.request.get(url(path)),
    send: async (method, path, data) => {
      const me = await (await page.request.get(url('/me'))).json()
      return page.request.fetch(url(path), {
        method,
        data,
        headers: { 'X-CSRF-Token': me.csrf_token },
      })
    },
  }
}

/** The error shown under the form field whose input has the given data-testid. */
async function fieldError(page, testId) {
  const item = page.locator('.el-form-item', { has: page.getByTestId(testId) })
  const error = item.locator('.el-form-item__error')
  return (await error.count()) > 0 ? (await error.innerText()).trim() : ''
}

for (const locale of ['en', 'zh-CN']) {
  test(
    `${locale}: a partner signs in, acknowledges and ships its line, and staff see its scorecard move`,
    { timeout: 180_000 },
    async () => {
      const { baseUrl, email, password } = config()
      const text = TEXTS[locale]
      const fmt = formats(locale)
      const token = runToken()
      const api = await apiSession(baseUrl, email, password)
      const partner = await api.post('/partners', { name: `Supplier ${token}`, kind: 'supplier', lead_time_days: 5 }, 201)
      const product = await api.post(
        '/products',
        {
          sku: `PRM-${token}`,
          name: `Partner Drill ${token}`,
          price: 12900,
          currency: 'EUR',
        },
        201,
      )
      const link = await api.post(
        `/partners/${partner.id}/products`,
        {
          product_id: product.id,
          cost: 8000,
          currency: 'EUR',
          lead_time_days: 3,
        },
        201,
      )
      const user = await api.post(
        `/partners/${partner.id}/users`,
        {
          email: `ops-${token}@supplier.example`,
          name: `Ops ${token}`,
          role: 'partner_admin',
        },
        201,
      )
      const customer = await api.post(
        '/customers',
        {
          name: `Partner Buyer ${token}`,
          email: `buyer-${token}@example.com`,
          phone: '+33 6 12 34 56 78',
          city: 'Lyon',
          country: 'FR',
        },
        201,
      )
      const order = await api.post(
        '/orders',
        {
          customer_id: customer.id,
          lines: [{ product_id: product.id, quantity: 2 }],
        },
        201,
      )
      const lineId = order.lines[0].id

      await withBrowser('partners', locale, async (page) => {
        // Staff: the partner in the list, its scorecard without shipments, then its own page.
        await signInPage(page, baseUrl, email, password)
        await page.goto(`${baseUrl}/partners`)
        await eventually(async () => (await page.getByTestId(`partner-name-${partner.id}`).count()) > 0, 'the partner is listed')
        await page.getByTestId(`partner-name-${partner.id}`).click()
        await eventually(async () => (await page.getByTestId('partner-scorecard').count()) > 0, 'the scorecard is shown')
        const before = await api.get(`/partners/${partner.id}/scorecard`)
        assert.equal(before.lines, 1)
        assert.equal(before.shipped_lines, 0)
        assert.equal(before.on_time_rate, null)
        assert.doesNotMatch(await textOf(page, 'partner-on-time'), /%/)
        assert.match(await page.getByTestId('partner-products').innerText(), new RegExp(`PRM-${token}`))
        await page.getByTestId('partner-open').click()
        await page.waitForURL(`${baseUrl}/partners/${partner.id}`)
        await eventually(async () => (await page.getByTestId('partner-shipped').count()) > 0, "the partner's page shows its scorecard")
        assert.equal(await textOf(page, 'partner-lines'), fmt.count(1))
        assert.equal(await textOf(page, 'partner-shipped'), fmt.count(0))

        // Staff make a sign-in link for the partner user on the partner's page.
        await page.locator('#tab-users').click()
        await page.getByTestId(`user-sign-in-link-${user.id}`).click()
        await eventually(async () => (await page.getByTestId('sign-in-link-url').count()) > 0, 'the sign-in link is shown')
        const linkUrl = new URL(await page.getByTestId('sign-in-link-url').inputValue())
        assert.equal(linkUrl.pathname, '/partner/sign-in')

        // The partner signs in with it and finds its line: the delivery name and place, nothing more.
        await page.goto(`${baseUrl}${linkUrl.pathname}${linkUrl.search}`)
        await page.waitForURL(/\/partner\/lines/)
        await eventually(async () => (await page.getByTestId(`line-${lineId}`).count()) > 0, 'the order line is listed')
        assert.match(await textOf(page, 'partner-who'), new RegExp(`Supplier ${token}`))
        assert.equal(await textOf(page, 'partner-nav-lines'), text.lines)
        const portal = portalApi(page, baseUrl)
        const apiLine = await (await portal.get(`/lines/${lineId}`)).json()
        assert.deepEqual(Object.keys(apiLine.delivery).sort(), ['city', 'country', 'name'])
        assert.equal(apiLine.delivery.city, 'Lyon')
        const delivery = await textOf(page, `line-delivery-${lineId}`)
        assert.equal(delivery, [apiLine.delivery.name, apiLine.delivery.city, apiLine.delivery.country].filter(Boolean).join(', '))
        const row = await page.locator('tr', { has: page.getByTestId(`line-${lineId}`) }).innerText()
        assert.doesNotMatch(row, new RegExp(`buyer-${token}|12 34 56`), "no customer's e-mail or phone")

        // Lines by state: none shipped yet, the line is open.
        await page.getByTestId('line-state-shipped').click()
        await eventually(async () => /state=shipped/.test(page.url()), 'the state is in the address')
        await eventually(async () => (await page.getByTestId(`line-${lineId}`).count()) === 0, 'no shipped line')
        await page.getByTestId('line-state-open').click()
        await eventually(async () => (await page.getByTestId(`line-${lineId}`).count()) > 0, 'the open line is listed')
        await page.getByTestId('line-state-all').click()
        await eventually(async () => !/state=/.test(page.url()), 'all states')

        // Acknowledge the line.
        await page.getByTestId(`line-acknowledge-${lineId}`).click()
        await eventually(
          async () => (await page.getByTestId(`line-state-${lineId}`).getAttribute('data-state')) === 'acknowledged',
          'the line is acknowledged',
        )
        assert.equal(await textOf(page, `line-state-${lineId}`), text.acknowledged)
        assert.equal((await (await portal.get(`/lines/${lineId}`)).json()).state, 'acknowledged')

        // Confirm the shipment: without a carrier the server's message stands under the field.
        await page.getByTestId(`line-ship-${lineId}`).click()
        await page.getByTestId('ship-tracking').fill(`JD${token}`)
        await page.getByTestId('ship-confirm').click()
        const refusedShipment = await portal.send('POST', `/lines/${lineId}/shipment`, { carrier: '', tracking_number: `JD${token}` })
        assert.equal(refusedShipment.status(), 400)
        const carrierMessage = (await refusedShipment.json()).error.message
        await eventually(
          async () => (await fieldError(page, 'ship-carrier')) === carrierMessage,
          'the missing carrier is named under its field',
        )
        await page.getByTestId('ship-carrier').fill('DHL')
        await page.getByTestId('ship-confirm').click()
        await eventually(
          async () =>
            (await page.getByTestId(`line-tracking-${lineId}`).count()) > 0 &&
            (await textOf(page, `line-tracking-${lineId}`)) === `DHL JD${token}`,
          'the line shows its tracking number',
        )
        assert.equal(await textOf(page, `line-state-${lineId}`), text.shipped)
        const shipped = await api.get(`/orders/${order.id}`)
        assert.equal(shipped.status, 'shipped')
        assert.equal(shipped.tracking_number, `JD${token}`)
        await snapshot(page, `partner-lines-${locale}`)

        // Products: a negative stock is refused under its field and nothing changes; then stock and lead time are saved.
        await page.getByTestId('partner-nav-products').click()
        await eventually(async () => (await page.getByTestId(`product-edit-${link.id}`).count()) > 0, 'the product is listed')
        const stockBefore = (await api.get(`/products/${product.id}`)).stock_on_hand
        await page.getByTestId(`product-edit-${link.id}`).click()
        await page.getByTestId('product-stock-input').fill('-3')
        await page.getByTestId('product-save').click()
        const refusedStock = await portal.send('PATCH', `/products/${product.id}`, { stock_on_hand: -3 })
        assert.equal(refusedStock.status(), 400)
        const refusal = (await refusedStock.json()).error
        assert.equal(refusal.field, 'stock_on_hand')
        await eventually(
          async () => (await fieldError(page, 'product-stock-input')) === refusal.message,
          'the negative stock is named under its field',
        )
        assert.equal((await api.get(`/products/${product.id}`)).stock_on_hand, stockBefore)
        await snapshot(page, `partner-products-${locale}`)
        await page.getByTestId('product-stock-input').fill('40')
        await page.getByTestId('product-lead-input').fill('4')
        await page.getByTestId('product-save').click()
        await eventually(async () => (await textOf(page, `product-stock-${link.id}`)) === fmt.count(40), 'the stock is saved')
        assert.equal(await textOf(page, `product-lead-${link.id}`), fmt.count(4))
        assert.equal((await api.get(`/products/${product.id}`)).stock_on_hand, 40)
        const links = await api.get(`/partners/${partner.id}/products`)
        assert.equal(links.items.find((l) => l.id === link.id).lead_time_days, 4)

        // The partner's own scorecard, as the API gives it.
        await page.getByTestId('partner-nav-scorecard').click()
        const own = await (await portal.get('/scorecard')).json()
        assert.equal(own.shipped_lines, 1)
        await eventually(async () => (await page.getByTestId('score-shipped').count()) > 0, 'the scorecard is shown')
        assert.equal(await textOf(page, 'score-shipped'), fmt.count(own.shipped_lines))
        assert.equal(await textOf(page, 'score-on-time'), fmt.pct(own.on_time_rate))
        assert.equal(await textOf(page, 'score-revenue'), fmt.money(own.revenue, own.currency))
        assert.equal(await textOf(page, 'score-margin'), fmt.money(own.margin, own.currency))
        await snapshot(page, `partner-scorecard-${locale}`)

        // Signing out ends the partner session.
        await page.getByTestId('sign-out').click()
        await page.waitForURL(/\/partner\/sign-in/)
        assert.equal((await portal.get('/me')).status(), 401)
        if (locale === 'en') {
          // The portal's language switch.
          await page.getByTestId('partner-locale').click()
          await page.locator('.el-select-dropdown__item', { hasText: '中文' }).click()
          await eventually(
            async () => (await page.locator('h2').first().innerText()).trim() === TEXTS['zh-CN'].signIn,
            'the page is in Chinese',
          )
          await page.getByTestId('partner-locale').click()
          await page.locator('.el-select-dropdown__item', { hasText: 'English' }).click()
          await eventually(
            async () => (await page.locator('h2').first().innerText()).trim() === text.signIn,
            'the page is in English again',
          )
        } else {
          assert.equal((await page.locator('h2').first().innerText()).trim(), text.signIn)
        }

        // Staff see the scorecard move, with the figures the API answers.
        const after = await api.get(`/partners/${partner.id}/scorecard`)
        assert.equal(after.shipped_lines, 1)
        assert.equal(after.on_time_lines, 1)
        assert.equal(after.on_time_rate, 1)
        assert.equal(after.revenue, 2 * 12900)
        assert.equal(after.margin, 2 * 12900 - 2 * 8000)
        await page.goto(`${baseUrl}/partners/${partner.id}`)
        await eventually(
          async () =>
            (await page.getByTestId('partner-on-time').count()) > 0 &&
            (await textOf(page, 'partner-on-time')) === fmt.pct(after.on_time_rate),
          'the on-time rate shows the shipment',
        )
        assert.equal(await textOf(page, 'partner-shipped'), fmt.count(after.shipped_lines))
        assert.equal(await textOf(page, 'partner-lead-median'), fmt.decimal(after.lead_time_median_days))
        assert.equal(await textOf(page, 'partner-lead-p90'), fmt.decimal(after.lead_time_p90_days))
        assert.equal(await textOf(page, 'partner-revenue'), fmt.money(after.revenue, after.currency))
        assert.equal(await textOf(page, 'partner-margin'), fmt.money(after.margin, after.currency))
        assert.equal(await textOf(page, `partner-line-state-${lineId}`), text.shipped)
        await snapshot(page, `partners-partner-${locale}`)

        // The ranking of the product's suppliers lists the partner, marked when it is the suggested one.
        const ranking = await api.get(`/partner-rankings?product_id=${product.id}`)
        assert.ok(ranking.items.some((c) => c.partner_id === partner.id))
        await page.goto(`${baseUrl}/partners/ranking?product=${product.id}`)
        await eventually(async () => (await page.getByTestId(`ranking-partner-${partner.id}`).count()) > 0, 'the partner is ranked')
        const suggested = page
          .locator('tr', {
            has: page.getByTestId(`ranking-partner-${partner.id}`),
          })
          .getByTestId('ranking-suggested')
        assert.equal(await suggested.count(), ranking.suggested_partner_id === partner.id ? 1 : 0)
        await snapshot(page, `partners-ranking-${locale}`)
      })
    },
  )
}

/** Opens the Element Plus select with `testId` and clicks its option showing `text`. */
async function choose(page, testId, text) {
  await page.getByTestId(testId).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
  await eventually(async () => (await page.locator('.el-select__popper:visible').count()) === 0, 'the dropdown closes')
}

/** Waits for the server's refusal `message` under the form field whose input has the data-testid `testId`. */
async function refusedUnder(page, testId, message, what) {
  await eventually(async () => (await fieldError(page, testId)) === message, `${what}: "${message}" under its field`)
}

test(
  'en: staff add a partner, its contact, portal user, routing rule and supplied category on its page',
  { timeout: 120_000 },
  async () => {
    const { baseUrl, email, password } = config()
    const token = runToken()
    const fmt = formats('en')
    const api = await apiSession(baseUrl, email, password)
    const category = await api.post('/categories', { name: `Partner tools ${token}` }, 201)

    await withBrowser('partners-staff', 'en', async (page) => {
      await signInPage(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/partners`)

      // A new partner: without a name the server's message stands under the field.
      await page.getByTestId('partner-new').click()
      await page.getByTestId('new-partner-save').click()
      const noName = await api.post('/partners', { name: '', kind: 'distributor' }, 400)
      await refusedUnder(page, 'new-partner-name', noName.error.message, 'a partner without a name')
      await page.getByTestId('new-partner-name').fill(`Distributor ${token}`)
      await choose(page, 'new-partner-kind', 'Distributor')
      await page.getByTestId('new-partner-country').fill('de')
      await page.getByTestId('new-partner-lead-time').fill('2')
      await page.getByTestId('new-partner-save').click()
      await page.waitForURL(/\/partners\/\d+$/)
      const id = Number(new URL(page.url()).pathname.split('/').pop())
      const partner = await api.get(`/partners/${id}`)
      assert.equal(partner.name, `Distributor ${token}`)
      assert.equal(partner.kind, 'distributor')
      assert.equal(partner.country, 'DE')
      assert.equal(partner.lead_time_days, 2)

      // A contact: without a name the server's message stands under the field, then it is stored.
      await page.locator('#tab-contacts').click()
      await page.getByTestId('contact-email').fill(`li-${token}@dist.example`)
      await page.getByTestId('contact-add').click()
      const noContactName = await api.post(`/partners/${id}/contacts`, { name: '', email: `li-${token}@dist.example` }, 400)
      await refusedUnder(page, 'contact-name', noContactName.error.message, 'a contact without a name')
      assert.equal((await api.get(`/partners/${id}`)).contacts.length, 0)
      await page.getByTestId('contact-name').fill('Li Wei')
      await page.getByTestId('contact-position').fill('Buyer')
      await page.getByTestId('contact-add').click()
      await eventually(
        async () => (await page.getByTestId('partner-contacts').innerText()).includes(`li-${token}@dist.example`),
        'the contact is listed',
      )
      const contacts = (await api.get(`/partners/${id}`)).contacts
      assert.deepEqual(
        contacts.map((c) => [c.name, c.email, c.position]),
        [['Li Wei', `li-${token}@dist.example`, 'Buyer']],
      )

      // A portal user; the same address again is refused under its field; deactivating ends sign-in links.
      await page.locator('#tab-users').click()
      const userEmail = `ops-${token}@dist.example`
      await page.getByTestId('user-email').fill(userEmail)
      await page.getByTestId('user-name').fill('Ops')
      await page.getByTestId('user-add').click()
      await eventually(async () => (await page.getByTestId('partner-users').innerText()).includes(userEmail), 'the user is listed')
      const [user] = (await api.get(`/partners/${id}/users`)).items
      assert.equal(user.email, userEmail)
      assert.equal(user.role, 'partner_staff')
      await page.getByTestId('user-email').fill(userEmail)
      await page.getByTestId('user-name').fill('Ops again')
      await page.getByTestId('user-add').click()
      const taken = await api.post(`/partners/${id}/users`, { email: userEmail, name: 'Ops again', role: 'partner_staff' }, 409)
      await refusedUnder(page, 'user-email', taken.error.message, 'an address already used')
      assert.equal((await api.get(`/partners/${id}/users`)).items.length, 1)
      await page.getByTestId(`user-active-${user.id}`).click()
      await page.locator('.el-message-box__btns .el-button--primary').click()
      await eventually(
        async () => (await page.getByTestId(`user-sign-in-link-${user.id}`).count()) === 0,
        'no sign-in link for a deactivated user',
      )
      assert.equal((await api.get(`/partners/${id}/users`)).items[0].active, false)
      await api.post(`/partners/${id}/users/${user.id}/sign-in-link`, {}, 409)

      // A routing rule: a bad country refused under its field, then customers in France for the category.
      await page.locator('#tab-rules').click()
      await page.getByTestId('rule-country').fill('F1')
      await page.getByTestId('rule-add').click()
      const badCountry = await api.post(`/partners/${id}/routing-rules`, { country: 'F1' }, 400)
      await refusedUnder(page, 'rule-country', badCountry.error.message, 'a bad country')
      await page.getByTestId('rule-country').fill('fr')
      await choose(page, 'rule-category', category.name)
      await page.getByTestId('rule-add').click()
      await eventually(async () => (await page.getByTestId('partner-rules').innerText()).includes(category.name), 'the rule is listed')
      const rules = (await api.get(`/partners/${id}/routing-rules`)).items
      assert.deepEqual(
        rules.map((r) => [r.country, r.category_id]),
        [['FR', category.id]],
      )

      // A supplied category at a cost in major units: a bad currency refused under its field, then stored in minor units.
      await page.locator('#tab-products').click()
      await page.locator('#pane-products .el-radio-button', { hasText: 'Category' }).click()
      await choose(page, 'link-category', category.name)
      await page.getByTestId('link-cost').fill('12.50')
      await page.getByTestId('link-currency').fill('EU')
      await page.getByTestId('link-lead-time').fill('6')
      await page.getByTestId('link-add').click()
      const badCurrency = await api.post(
        `/partners/${id}/products`,
        { category_id: category.id, cost: 1250, currency: 'EU', lead_time_days: 6 },
        400,
      )
      await refusedUnder(page, 'link-currency', badCurrency.error.message, 'a bad currency')
      await page.getByTestId('link-currency').fill('EUR')
      await page.getByTestId('link-add').click()
      await eventually(
        async () => (await page.getByTestId('partner-products').innerText()).includes(fmt.money(1250, 'EUR')),
        'the category is listed at its cost',
      )
      const links = (await api.get(`/partners/${id}/products`)).items
      assert.deepEqual(
        links.map((l) => [l.category_id, l.cost, l.currency, l.lead_time_days]),
        [[category.id, 1250, 'EUR', 6]],
      )
      assert.match(await page.getByTestId('partner-products').innerText(), new RegExp(category.name))
      await snapshot(page, 'partners-partner-forms-en')
    })
  },
)

test(
  'en: a partner accepts a lead and reports it won, declines another with a reason, and its scorecard counts them',
  { timeout: 120_000 },
  async () => {
    const { baseUrl, email, password } = config()
    const token = runToken()
    const fmt = formats('en')
    const api = await apiSession(baseUrl, email, password)
    const partner = await api.post('/partners', { name: `Reseller ${token}`, kind: 'reseller', country: 'FR' }, 201)
    const user = await api.post(
      `/partners/${partner.id}/users`,
      { email: `sales-${token}@reseller.example`, name: 'Sales', role: 'partner_staff' },
      201,
    )
    const lead = async (company) => {
      const created = await api.post(
        '/leads',
        {
          company,
          contact_name: 'Mme Durand',
          email: `durand-${token}@${company.toLowerCase().replace(/\W+/g, '')}.example`,
          country: 'FR',
          quantity: 40,
          estimated_value: 200000,
          currency: 'EUR',
          message: 'Forty drills for our workshops',
        },
        201,
      )
      return api.post(`/leads/${created.id}/route`, { partner_id: partner.id }, 200)
    }
    const won = await lead(`Atelier ${token}`)
    const declined = await lead(`Garage ${token}`)
    assert.equal(won.status, 'routed')
    const link = await api.post(`/partners/${partner.id}/users/${user.id}/sign-in-link`, {}, 201)

    await withBrowser('partners-leads', 'en', async (page) => {
      const url = new URL(link.url)
      await page.goto(`${baseUrl}${url.pathname}${url.search}`)
      await page.waitForURL(/\/partner\/lines/)
      await page.getByTestId('partner-nav-leads').click()
      await eventually(async () => (await page.getByTestId(`lead-${won.id}`).count()) > 0, 'the first lead is listed')
      await eventually(async () => (await page.getByTestId(`lead-${declined.id}`).count()) > 0, 'the second lead is listed')
      const portal = portalApi(page, baseUrl)

      // Accept the first lead.
      await page.getByTestId(`lead-accept-${won.id}`).click()
      await eventually(
        async () => (await page.getByTestId(`lead-status-${won.id}`).getAttribute('data-status')) === 'accepted',
        'the lead is accepted',
      )
      assert.equal((await api.get(`/leads/${won.id}`)).status, 'accepted')

      // Decline the second: without a reason the server's message stands under the field.
      await page.getByTestId(`lead-decline-${declined.id}`).click()
      await page.getByTestId('lead-answer-save').click()
      const noReason = await portal.send('POST', `/leads/${declined.id}/decline`, { reason: '' })
      assert.equal(noReason.status(), 400)
      await refusedUnder(page, 'lead-reason-input', (await noReason.json()).error.message, 'a decline without a reason')
      assert.equal((await api.get(`/leads/${declined.id}`)).status, 'routed')
      await page.getByTestId('lead-reason-input').fill('Outside our region')
      await page.getByTestId('lead-answer-save').click()
      await eventually(
        async () => (await page.getByTestId(`lead-status-${declined.id}`).getAttribute('data-status')) === 'declined',
        'the lead is declined',
      )
      assert.equal((await api.get(`/leads/${declined.id}`)).decline_reason, 'Outside our region')

      // Report the first won, with its value in major units.
      await page.getByTestId(`lead-won-${won.id}`).click()
      await page.getByTestId('lead-value-input').fill('1834.50')
      await page.getByTestId('lead-answer-save').click()
      await eventually(
        async () => (await page.getByTestId(`lead-status-${won.id}`).getAttribute('data-status')) === 'won',
        'the lead is won',
      )
      const wonLead = await api.get(`/leads/${won.id}`)
      assert.equal(wonLead.won_value, 183450)
      assert.equal(await textOf(page, `lead-value-${won.id}`), fmt.money(183450, 'EUR'))

      // By status: the won lead only.
      await page.getByTestId('lead-status-won').click()
      await eventually(async () => (await page.getByTestId(`lead-${declined.id}`).count()) === 0, 'the declined lead is not among the won')
      assert.equal(await page.getByTestId(`lead-${won.id}`).count(), 1)
      await snapshot(page, 'partner-leads-en')

      // The partner's scorecard counts the leads as the API does: two received, one won of one closed.
      const card = await (await portal.get('/scorecard')).json()
      assert.equal(card.leads_received, 2)
      assert.equal(card.leads_won, 1)
      assert.equal(card.lead_win_rate, 1)
      await page.getByTestId('partner-nav-scorecard').click()
      await eventually(async () => (await page.getByTestId('score-leads').count()) > 0, 'the scorecard is shown')
      assert.equal(await textOf(page, 'score-leads'), fmt.count(2))
      assert.equal(await textOf(page, 'score-lead-acceptance'), fmt.pct(card.lead_acceptance_rate))
      assert.equal(await textOf(page, 'score-lead-win'), fmt.pct(card.lead_win_rate))
    })
  },
)

test(
  'en and zh-CN: a part supplier sees its part of a configured line, and only that',
  { timeout: 120_000 },
  async () => {
    const { baseUrl, email, password } = config()
    const token = runToken()
    const api = await apiSession(baseUrl, email, password)
    const supplier = (name) => api.post('/partners', { name: `${name} ${token}`, kind: 'supplier' }, 201)
    const cpuVendor = await supplier('CPU Vendor')
    const memoryVendor = await supplier('Memory Vendor')
    const product = await api.post(
      '/products',
      { sku: `BTO-${token}`, name: `Workstation ${token}`, price: 100000, currency: 'EUR' },
      201,
    )
    const sku = (s) => `BTO-${token}-${s}`
    const stored = await api.put(`/products/${product.id}/configuration`, {
      groups: [
        {
          key: 'cpu',
          name: 'CPU',
          required: true,
          options: [{ sku: sku('I9'), name: 'Core i9', price_delta: 20000, stock_on_hand: 5, supplier_id: cpuVendor.id }],
        },
        {
          key: 'memory',
          name: 'Memory',
          name_zh: '内存',
          required: true,
          options: [
            { sku: sku('64'), name: '64 GB', name_zh: '64 GB 内存', price_delta: 15000, stock_on_hand: 5, supplier_id: memoryVendor.id },
          ],
        },
      ],
    })
    const id = Object.fromEntries(stored.groups.flatMap((g) => g.options.map((o) => [o.sku, o.id])))
    const customer = await api.post('/customers', { name: `Parts Buyer ${token}`, email: `parts-${token}@example.com`, city: 'Suzhou', country: 'CN' }, 201)
    const order = await api.post(
      '/orders',
      { customer_id: customer.id, lines: [{ product_id: product.id, quantity: 3, options: [id[sku('I9')], id[sku('64')]] }] },
      201,
    )
    const lineId = order.lines[0].id
    const user = await api.post(
      `/partners/${memoryVendor.id}/users`,
      { email: `memory-${token}@vendor.example`, name: 'Memory Ops', role: 'partner_admin' },
      201,
    )

    for (const locale of ['en', 'zh-CN']) {
      const link = await api.post(`/partners/${memoryVendor.id}/users/${user.id}/sign-in-link`, {}, 201)
      await withBrowser(`partners-parts-${locale}`, locale, async (page) => {
        const url = new URL(link.url)
        await page.goto(`${baseUrl}${url.pathname}${url.search}`)
        await page.waitForURL(/\/partner\/lines/)
        await eventually(async () => (await page.getByTestId(`line-parts-${lineId}`).count()) > 0, 'the configured line shows its parts')
        // What the portal's API answers: the memory, three of them, and nothing of the CPU.
        const apiLine = await (await portalApi(page, baseUrl).get(`/lines/${lineId}`)).json()
        assert.deepEqual(
          apiLine.parts.map((p) => [p.sku, p.quantity]),
          [[sku('64'), 3]],
        )
        const shown = await page.getByTestId(`line-parts-${lineId}`).locator('li').allInnerTexts()
        const name = locale === 'zh-CN' ? '64 GB 内存' : '64 GB'
        assert.deepEqual(
          shown.map((s) => s.trim()),
          [`Memory: ${sku('64')} · ${name} × 3`],
        )
        assert.equal(await page.getByTestId(`line-part-${lineId}-${id[sku('64')]}`).count(), 1)
        const row = await page.locator('tr', { has: page.getByTestId(`line-${lineId}`) }).innerText()
        assert.doesNotMatch(row, new RegExp(`${sku('I9')}|Core i9`), "no other supplier's part")
        assert.doesNotMatch(row, new RegExp(`parts-${token}`), "no customer's e-mail")
      })
    }
  },
)
