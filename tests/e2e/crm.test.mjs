// The customer archive, 360° page, orders and duplicate merging in the web UI, on data set up
// through the API first (the way a shop's systems would send it). An order page's totals
// (subtotal, discount, shipping, tax, total) are compared with the API's order.

import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

const run = runToken()
let api
let data

before(async () => {
  const { baseUrl, email, password } = config()
  api = await apiSession(baseUrl, email, password)
  const category = await api.post('/categories', { name: `E2E Shoes ${run}` }, 201)
  const product = await api.post(
    '/products',
    { sku: `E2E-RUN-${run}`, name: `Trail runner ${run}`, category_id: category.id, price: 12950, currency: 'EUR', stock_on_hand: 40 },
    201,
  )
  const alice = await api.post(
    '/customers',
    {
      name: `Alice Tester ${run}`,
      email: `alice.${run}@example.com`,
      phone: '+49 30 1234567',
      type: 'business',
      company: `Tester GmbH ${run}`,
      city: 'Berlin',
      country: 'DE',
      birthday: '1990-04-12',
      tags: ['vip', 'newsletter'],
      anniversaries: [{ kind: 'membership', date: '2020-05-01', label: 'Member since' }],
      attributes: { shoe_size: 38 },
    },
    201,
  )
  const order = await api.post('/orders', { customer_id: alice.id, channel: 'web', lines: [{ product_id: product.id, quantity: 2 }] }, 201)
  assert.equal(order.total, 25900, 'two shoes at 129.50 EUR')
  // Two records of one person: same e-mail written differently.
  const dupA = await api.post('/customers', { name: `Dora Double ${run}`, email: `dora.${run}@example.com`, city: 'Hamburg' }, 201)
  const dupB = await api.post(
    '/customers',
    { name: `Dora D. ${run}`, email: `Dora.${run}@Example.com`, phone: '+49 40 7654321', tags: ['wholesale'] },
    201,
  )
  // An order with a discount, shipping and tax, of another customer (Alice's figures stay one order).
  const theo = await api.post('/customers', { name: `Theo Taxed ${run}`, email: `theo.${run}@example.com` }, 201)
  const taxed = await api.post(
    '/orders',
    { customer_id: theo.id, channel: 'web', discount: 1000, shipping: 495, tax: 2274, lines: [{ product_id: product.id, quantity: 1 }] },
    201,
  )
  assert.equal(taxed.total, 14719, '129.50 - 10.00 + 4.95 shipping + 22.74 tax')
  data = { category, product, alice, order, taxed, dupA, dupB }
})

test('en: search finds a customer; the 360° page shows the order in the summary and the timeline', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('customer-360', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/customers`)
    assert.equal(await textOf(page, 'page-title'), 'Customers')

    await page.getByTestId('customer-search').fill(`Alice Tester ${run}`)
    const link = page.getByTestId(`customer-link-${data.alice.id}`)
    await link.waitFor()
    const rows = page.getByTestId('customers-table').locator('.el-table__body .el-table__row')
    await eventually(async () => (await rows.count()) === 1, 'only the matching customer is listed')
    assert.equal(new URL(page.url()).searchParams.get('q'), `Alice Tester ${run}`, 'the search is kept in the address')
    await page.getByTestId(`customer-tag-${data.alice.id}-vip`).waitFor()
    await snapshot(page, 'customers-list-en')

    await link.click()
    await page.waitForURL((url) => url.pathname === `/customers/${data.alice.id}`)
    await page.getByTestId('page-title').filter({ hasText: `Alice Tester ${run}` }).waitFor()

    // Summary: 2 × 129.50 EUR in one order.
    await page.getByTestId('summary-revenue').filter({ hasText: '€259.00' }).waitFor()
    assert.equal(await textOf(page, 'summary-orders'), '1')
    assert.equal(await textOf(page, 'summary-aov'), '€259.00')
    await page.getByTestId(`summary-category-${data.category.id}`).filter({ hasText: `E2E Shoes ${run}` }).waitFor()

    // Profile: every field that was sent.
    assert.equal(await textOf(page, 'profile-email'), `alice.${run}@example.com`)
    assert.equal(await textOf(page, 'profile-company'), `Tester GmbH ${run}`)
    assert.equal(await textOf(page, 'profile-type'), 'Business')
    assert.equal(await textOf(page, 'profile-birthday'), 'Apr 12, 1990')
    assert.match(await textOf(page, 'profile-anniversary'), /Member since · May 1, 2020/)
    assert.equal(await textOf(page, 'profile-attribute-shoe_size'), 'shoe_size: 38')
    await page.getByTestId('profile-tag-newsletter').waitFor()

    // Timeline, newest first: the order placed, linked to the order page.
    const placed = page.getByTestId('timeline-order.placed')
    await placed.waitFor()
    assert.match(await placed.innerText(), new RegExp(`Order #${data.order.id} placed \\(2 items, €259\\.00\\)`))
    await page.getByTestId('timeline-customer.created').waitFor()
    assert.equal(await page.getByTestId('c360-extra').count(), 1, 'the extension area for analytics and recommendations is there')

    // Consent: record an e-mail opt-in.
    assert.equal(await textOf(page, 'consent-email-state'), 'Never asked')
    await page.getByTestId('consent-email-change').click()
    await page.getByTestId('consent-decision-granted').click()
    await page.getByTestId('consent-how').fill('e2e signed form')
    await page.getByTestId('consent-save').click()
    await page.getByTestId('consent-email-state').filter({ hasText: 'Granted' }).waitFor()
    const stored = await api.get(`/customers/${data.alice.id}`)
    assert.equal(stored.consent.email.granted, true)
    assert.equal(stored.consent.email.how, 'e2e signed form')
    await snapshot(page, 'customer-360-en')

    // Edit: change the city through the dialog.
    await page.getByTestId('c360-edit').click()
    const dialog = page.getByTestId('customer-form-dialog')
    await dialog.getByTestId('customer-form-city').fill('Potsdam')
    await dialog.getByTestId('customer-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    assert.equal((await api.get(`/customers/${data.alice.id}`)).city, 'Potsdam')

    await page.getByTestId(`timeline-order-link-${data.order.id}`).click()
    await page.waitForURL((url) => url.pathname === `/orders/${data.order.id}`)
  })
})

test('en: an order’s status is changed from its page and its history shows it', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('order-status', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/orders`)
    await page.getByTestId(`order-link-${data.order.id}`).waitFor()
    await snapshot(page, 'orders-list-en')
    await page.getByTestId(`order-link-${data.order.id}`).click()
    await page.waitForURL((url) => url.pathname === `/orders/${data.order.id}`)
    assert.equal(await textOf(page, 'order-status'), 'Placed')
    assert.equal(await textOf(page, 'order-total'), '€259.00')
    assert.equal(await textOf(page, 'order-customer'), `Alice Tester ${run}`)

    // Only the statuses the life cycle allows next are offered.
    await page.getByTestId('order-change-status-button').click()
    const offered = page.locator('.el-dropdown-menu__item:visible')
    await offered.first().waitFor()
    assert.deepEqual((await offered.allInnerTexts()).map((s) => s.trim()).sort(), ['Cancelled', 'Paid', 'Shipped'])
    await page.getByTestId('order-next-paid').click()
    await page.getByTestId('order-status-note').fill('paid by bank transfer')
    await page.getByTestId('order-status-submit').click()
    await page.getByTestId('order-status').filter({ hasText: 'Paid' }).waitFor()
    await page.getByTestId('order-history-paid').filter({ hasText: 'paid by bank transfer' }).waitFor()

    // Shipping asks for the carrier and tracking number.
    await page.getByTestId('order-change-status-button').click()
    await page.getByTestId('order-next-shipped').click()
    await page.getByTestId('order-status-carrier').fill('DHL')
    await page.getByTestId('order-status-tracking').fill(`JD${run}`)
    await page.getByTestId('order-status-submit').click()
    await page.getByTestId('order-status').filter({ hasText: 'Shipped' }).waitFor()
    assert.equal(await textOf(page, 'order-carrier'), 'DHL')
    assert.equal(await textOf(page, 'order-tracking'), `JD${run}`)
    const history = page.getByTestId('order-history').locator('.el-timeline-item')
    assert.equal(await history.count(), 3, 'placed, paid, shipped')
    assert.match(await history.first().innerText(), /Shipped/)
    const stored = await api.get(`/orders/${data.order.id}`)
    assert.deepEqual(stored.history.map((h) => h.status), ['placed', 'paid', 'shipped'])

    // A return of one shoe, then received.
    await page.getByTestId('order-create-return').click()
    const returnDialog = page.getByTestId('return-dialog')
    await returnDialog.getByTestId('return-reason').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'Damaged' }).click()
    const lineId = stored.lines[0].id
    await returnDialog.getByTestId(`return-qty-${lineId}`).locator('input').fill('1')
    await returnDialog.getByTestId('return-submit').click()
    await returnDialog.waitFor({ state: 'hidden' })
    const returns = (await api.get(`/orders/${data.order.id}/returns`)).items
    assert.equal(returns.length, 1)
    assert.equal(returns[0].refund_amount, 12950)
    await page.getByTestId(`return-status-${returns[0].id}`).filter({ hasText: 'Requested' }).waitFor()
    await page.getByTestId(`return-move-${returns[0].id}`).click()
    await page.getByTestId(`return-${returns[0].id}-to-received`).click()
    await page.getByTestId(`return-status-${returns[0].id}`).filter({ hasText: 'Received' }).waitFor()
    await snapshot(page, 'order-en')

    // The customer's timeline shows the new statuses.
    await page.getByTestId('order-customer').click()
    await page.waitForURL((url) => url.pathname === `/customers/${data.alice.id}`)
    const shipped = page.getByTestId('timeline-order.shipped')
    await shipped.waitFor()
    assert.match(await shipped.innerText(), new RegExp(`Order #${data.order.id}: Shipped · with DHL, tracking JD${run}`))
    await page.getByTestId('timeline-return.requested').waitFor()
  })
})

/** The rows of an order page's totals block as the API's order should fill them (English, its currency). */
function expectedTotals(order) {
  const money = (minor) => new Intl.NumberFormat('en', { style: 'currency', currency: order.currency }).format(minor / 100)
  return [
    ['Subtotal', money(order.subtotal)],
    ...(order.discount ? [['Discount', `−${money(order.discount)}`]] : []),
    ...(order.shipping ? [['Shipping', money(order.shipping)]] : []),
    ['Tax', money(order.tax)],
    ['Total', money(order.total)],
  ]
}

test('en: the order page shows the subtotal, discount, shipping, tax and total of the API', { timeout: 60_000 }, async () => {
  const { baseUrl, email, password } = config()
  const taxed = await api.get(`/orders/${data.taxed.id}`)
  assert.deepEqual(
    [taxed.subtotal, taxed.discount, taxed.shipping, taxed.tax, taxed.total],
    [12950, 1000, 495, 2274, 14719],
  )
  const plain = await api.get(`/orders/${data.order.id}`)
  await withBrowser('order-totals', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    for (const order of [taxed, plain]) {
      await page.goto(`${baseUrl}/orders/${order.id}`)
      const totals = page.getByTestId('order-totals')
      await totals.waitFor()
      const rows = await totals
        .locator(':scope > div')
        .evaluateAll((divs) => divs.map((div) => [...div.querySelectorAll('span')].map((span) => span.textContent.trim())))
      assert.deepEqual(rows, expectedTotals(order), `the totals of order #${order.id}`)
      assert.equal(await textOf(page, 'order-tax'), expectedTotals(order).find(([label]) => label === 'Tax')[1])
      assert.equal(await textOf(page, 'order-total'), expectedTotals(order).at(-1)[1])
    }
  })
})

test('en: the duplicates screen merges two customers, and the merge can be undone', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  const { dupA, dupB } = data
  await withBrowser('duplicates', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/customers/duplicates?customer=${dupA.id}`)
    assert.equal(await textOf(page, 'page-title'), 'Duplicates')
    const compare = page.getByTestId(`duplicate-compare-${dupA.id}-${dupB.id}`)
    await compare.waitFor()
    const row = page.getByTestId('duplicates-table').locator('.el-table__row', { has: compare })
    assert.match(await row.innerText(), /Same e-mail/)

    await compare.click()
    const dialog = page.getByTestId('duplicate-compare-dialog')
    const table = dialog.getByTestId('duplicate-compare-table')
    await table.waitFor()
    assert.match(await table.innerText(), new RegExp(`Dora Double ${run}[\\s\\S]*Dora D\\. ${run}`))
    await snapshot(page, 'duplicates-compare-en')
    // Keep the first (older) record.
    await dialog.getByTestId('survivor-a').click()
    await dialog.getByTestId('duplicate-merge').filter({ hasText: `#${dupA.id}` }).click()
    await dialog.waitFor({ state: 'hidden' })

    const merged = await api.get(`/customers/${dupB.id}`)
    assert.equal(merged.merged_into, dupA.id)
    const survivor = await api.get(`/customers/${dupA.id}`)
    assert.equal(survivor.phone, '+49 40 7654321', 'the survivor got the missing phone')
    assert.deepEqual(survivor.tags, ['wholesale'])
    await eventually(async () => (await compare.count()) === 0, 'the merged pair leaves the list')

    const { items: merges } = await api.get(`/customers/${dupA.id}/merges`)
    assert.equal(merges.length, 1)
    const mergeId = merges[0].id
    await page.getByTestId(`recent-merge-${mergeId}`).waitFor()
    await snapshot(page, 'duplicates-merged-en')

    // The merged record's page says where it went.
    await page.goto(`${baseUrl}/customers/${dupB.id}`)
    await page.getByTestId('c360-merged-banner').filter({ hasText: `#${dupA.id}` }).waitFor()
    assert.equal(await page.getByTestId('c360-edit').count(), 0, 'a merged record cannot be edited')

    // The survivor's 360° page lists the merge with an undo.
    await page.goto(`${baseUrl}/customers/${dupA.id}`)
    await page.getByTestId(`merge-${mergeId}`).waitFor()
    await page.getByTestId('timeline-customer.merged').waitFor()
    await page.getByTestId(`merge-undo-${mergeId}`).click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.getByTestId(`merge-${mergeId}`).filter({ hasText: 'Undone' }).waitFor()
    assert.equal((await api.get(`/customers/${dupB.id}`)).merged_into, null)
    assert.equal((await api.get(`/customers/${dupA.id}`)).phone, null, 'the phone went back with the other record')
  })
})

test('zh-CN: the customer, order and product pages speak Chinese', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('zh-pages', 'zh-CN', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/customers?q=${encodeURIComponent(`Alice Tester ${run}`)}`)
    assert.equal(await textOf(page, 'page-title'), '客户')
    await page.getByTestId(`customer-link-${data.alice.id}`).waitFor()
    assert.match(await page.getByTestId('customers-table').innerText(), /企业/)
    await snapshot(page, 'customers-list-zh')

    await page.goto(`${baseUrl}/customers/${data.alice.id}`)
    await page.getByTestId('summary-revenue').filter({ hasText: '€' }).waitFor()
    const summary = await page.getByTestId('customer-summary').innerText()
    assert.match(summary, /累计消费/)
    assert.match(summary, /平均客单价/)
    const placed = page.getByTestId('timeline-order.placed')
    await placed.waitFor()
    assert.match(await placed.innerText(), new RegExp(`订单 #${data.order.id} 已下单（2 件，€259\\.00）`))
    assert.equal(await textOf(page, 'profile-type'), '企业')
    await snapshot(page, 'customer-360-zh')

    await page.goto(`${baseUrl}/orders/${data.order.id}`)
    await page.getByTestId('order-status').waitFor()
    assert.match(await textOf(page, 'page-title'), new RegExp(`^订单 #${data.order.id}(\\s|$)`))
    assert.match(await page.getByTestId('order-history').innerText(), /已下单/)
    await snapshot(page, 'order-zh')

    await page.goto(`${baseUrl}/catalog`)
    assert.equal(await textOf(page, 'page-title'), '商品')
    await page.getByTestId(`category-node-${data.category.id}`).click()
    await page.getByTestId(`product-name-${data.product.id}`).waitFor()
    const rows = page.getByTestId('products-table').locator('.el-table__body .el-table__row')
    await eventually(async () => (await rows.count()) === 1, 'the category filter leaves only its product')
    assert.match(await rows.first().innerText(), /€129\.50/)
    await snapshot(page, 'products-zh')
  })
})

test('en: a product is created and edited from the product list', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('products', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/catalog`)
    await page.getByTestId(`category-node-${data.category.id}`).click()
    await page.getByTestId('product-create').click()
    const dialog = page.getByTestId('product-form-dialog')
    await dialog.getByTestId('product-form-sku').fill(`E2E-SOCK-${run}`)
    await dialog.getByTestId('product-form-name').fill(`Running socks ${run}`)
    await dialog.getByTestId('product-form-price').locator('input').fill('9.90')
    await dialog.getByTestId('product-form-currency').fill('EUR')
    await dialog.getByTestId('product-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    const { items } = await api.get(`/products?q=${encodeURIComponent(`E2E-SOCK-${run}`)}`)
    assert.equal(items.length, 1)
    assert.equal(items[0].price, 990, 'the price is stored in cents')
    assert.equal(items[0].category_id, data.category.id, 'the selected category is proposed')
    const created = items[0]
    await page.getByTestId(`product-name-${created.id}`).waitFor()

    await page.getByTestId(`product-edit-${created.id}`).click()
    await dialog.getByTestId('product-form-stock').locator('input').fill('120')
    await dialog.getByTestId('product-form-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    assert.equal((await api.get(`/products/${created.id}`)).stock_on_hand, 120)
    await snapshot(page, 'products-en')
  })
})

test('en: a customer is created in the UI, exported and erased', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('privacy', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/customers`)
    await page.getByTestId('customer-create').click()
    const dialog = page.getByTestId('customer-form-dialog')
    // Neither a name, an e-mail nor a phone: the form refuses.
    await dialog.getByTestId('customer-form-submit').click()
    await dialog.locator('.el-form-item__error').first().waitFor()
    await dialog.getByTestId('customer-form-name').fill(`Erin Erase ${run}`)
    await dialog.getByTestId('customer-form-email').fill(`erin.${run}@example.com`)
    await dialog.getByTestId('customer-form-tags').click()
    await page.keyboard.type('prospect')
    await page.keyboard.press('Enter')
    await dialog.getByTestId('customer-form-attributes').fill('{"source_campaign": "spring"}')
    await snapshot(page, 'customer-create-en')
    await dialog.getByTestId('customer-form-submit').click()
    await page.waitForURL((url) => /^\/customers\/\d+$/.test(url.pathname))
    const id = Number(new URL(page.url()).pathname.split('/').pop())
    const created = await api.get(`/customers/${id}`)
    assert.equal(created.name, `Erin Erase ${run}`)
    assert.deepEqual(created.tags, ['prospect'])
    assert.deepEqual(created.attributes, { source_campaign: 'spring' })
    await page.getByTestId('profile-tag-prospect').waitFor()

    // The privacy export downloads everything held, as JSON.
    const downloadPromise = page.waitForEvent('download')
    await page.getByTestId('c360-export').click()
    const download = await downloadPromise
    assert.equal(download.suggestedFilename(), `customer-${id}.json`)
    const chunks = []
    for await (const chunk of await download.createReadStream()) chunks.push(chunk)
    const exported = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    assert.ok(JSON.stringify(exported).includes(`erin.${run}@example.com`), 'the export holds the e-mail address')

    // Erasing asks for the customer number first.
    await page.getByTestId('c360-erase').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    await box.locator('input').fill('not the id')
    await box.locator('.el-button--danger').click()
    await box.locator('.el-message-box__errormsg').filter({ hasText: `Type ${id} to confirm` }).waitFor()
    assert.equal((await api.get(`/customers/${id}`)).erased_at, null, 'nothing is erased without the confirmation')
    await box.locator('input').fill(String(id))
    await box.locator('.el-button--danger').click()
    await page.getByTestId('c360-erased-banner').waitFor()
    const erased = await api.get(`/customers/${id}`)
    assert.ok(erased.erased_at, 'the customer is erased')
    assert.equal(erased.email, null)
    await snapshot(page, 'customer-erased-en')
  })
})

test('en: categories are added and removed on the category page', { timeout: 90_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('categories', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/catalog/categories`)
    assert.equal(await textOf(page, 'page-title'), 'Categories')
    await page.getByTestId(`category-${data.category.id}`).waitFor()
    await page.getByTestId('category-create').click()
    const dialog = page.getByTestId('category-dialog')
    await dialog.getByTestId('category-name').fill(`Sandals ${run}`)
    await dialog.getByTestId('category-parent').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: `E2E Shoes ${run}` }).click()
    await dialog.getByTestId('category-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    const all = (await api.get('/categories?limit=1000')).items
    const sandals = all.find((c) => c.name === `Sandals ${run}`)
    assert.ok(sandals, 'the category was created')
    assert.equal(sandals.parent_id, data.category.id, 'under the chosen parent')
    await page.getByTestId(`category-${sandals.id}`).waitFor()
    await snapshot(page, 'categories-en')

    // A category with products cannot go; an empty one can.
    await page.getByTestId(`category-delete-${data.category.id}`).click()
    await page.locator('.el-message-box .el-button--danger').click()
    await page.locator('.el-message--error').waitFor()
    assert.ok((await api.get(`/categories/${data.category.id}`)).id)
    await page.getByTestId(`category-delete-${sandals.id}`).click()
    await page.locator('.el-message-box .el-button--danger').click()
    await page.getByTestId(`category-${sandals.id}`).waitFor({ state: 'detached' })
  })
})
