// The search box in the header, on records set up through the API first (names, e-mails and a SKU
// made unique per run): results grouped by customers, orders and products as the user types, the
// matched text marked, only groups with hits shown, ↑/↓ through every entry of every group, Enter
// opening the customer's 360° page or the product, Escape closing the list, "/" and Ctrl+K focusing
// the box, the "see all customers" entry opening the customers list filtered by the text (also
// from that list itself), and an answer overtaken by typing never shown.

import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, snapshot, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

const run = runToken()
const RUN = run.toUpperCase()
let api
let data

before(async () => {
  const { baseUrl, email, password } = config()
  api = await apiSession(baseUrl, email, password)
  const category = await api.post('/categories', { name: `Search lamps ${run}` }, 201)
  const product = await api.post(
    '/products',
    { sku: `SRCH-${RUN}`, name: `Lumen desk lamp ${run}`, category_id: category.id, price: 4990, currency: 'EUR', stock_on_hand: 10 },
    201,
  )
  const nora = await api.post('/customers', { name: `Nora Seeker ${run}`, email: `nora.seeker.${run}@example.com`, city: 'Berlin' }, 201)
  const order = await api.post('/orders', { customer_id: nora.id, channel: 'web', lines: [{ product_id: product.id, quantity: 1 }] }, 201)
  // No orders: a search for her finds customers only.
  const olaf = await api.post('/customers', { name: `Olaf Quiet ${run}`, email: `olaf.${run}@example.com`, city: 'Oslo' }, 201)
  const lin = await api.post('/customers', { name: `林晓${run}`, email: `lin.${run}@example.com`, city: '上海' }, 201)
  data = { product, nora, order, olaf, lin }
})

const input = (page) => page.getByTestId('search-input')
const results = (page) => page.getByTestId('search-results')

/** The data-testid of the entry the keyboard is on (the one the input names as active). */
async function activeEntry(page) {
  const id = await input(page).getAttribute('aria-activedescendant')
  if (!id) return null
  return page.locator(`[id="${id}"]`).getAttribute('data-testid')
}

/** Waits until the entry the keyboard is on is `testid`, and it alone is marked selected. */
async function expectActive(page, testid) {
  await eventually(async () => (await activeEntry(page)) === testid, `the active entry is ${testid}`)
  const selected = await results(page)
    .locator('[role="option"][aria-selected="true"]')
    .evaluateAll((nodes) => nodes.map((n) => n.dataset.testid))
  assert.deepEqual(selected, [testid])
}

/** The marked (matched) pieces of text inside `locator`, lower-cased. */
async function marks(locator) {
  return (await locator.getByTestId('search-match').allInnerTexts()).map((s) => s.trim().toLowerCase())
}

/** The groups the list shows, in order. */
async function shownGroups(page) {
  return results(page)
    .locator('[data-testid^="search-group-"]')
    .evaluateAll((nodes) => nodes.map((n) => n.dataset.testid.replace('search-group-', '')))
}

async function isFocused(page) {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'search-input')
}

test(
  'en: an e-mail fragment finds the customer and her order; the keyboard moves across groups and Enter opens the 360° page',
  { timeout: 90_000 },
  async () => {
    const { baseUrl, email, password } = config()
    const { nora, order } = data
    await withBrowser('search-customer', 'en', async (page) => {
      await signInPage(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/orders`)
      await page.getByTestId('page-title').waitFor()
      assert.equal(await input(page).getAttribute('placeholder'), 'Search customers, orders, products')

      // "/" outside a text field focuses the box.
      await page.getByTestId('page-title').click()
      assert.equal(await isFocused(page), false)
      await page.keyboard.press('/')
      await eventually(() => isFocused(page), '"/" focuses the search box')

      const fragment = `seeker.${run}`
      await page.keyboard.type(fragment)
      const customerHit = page.getByTestId('search-group-customers').getByTestId(`search-hit-customers-${nora.id}`)
      await customerHit.waitFor()
      const orderHit = page.getByTestId('search-group-orders').getByTestId(`search-hit-orders-${order.id}`)
      await orderHit.waitFor()
      assert.match(await customerHit.innerText(), new RegExp(`Nora Seeker ${run}`))
      assert.ok((await marks(customerHit)).includes(fragment), 'the e-mail fragment is marked in the customer hit')
      assert.ok((await marks(orderHit)).includes(fragment), 'the customer e-mail is marked in the order hit')
      // Products: nothing matched, so no group (the server sends it empty).
      assert.deepEqual(await shownGroups(page), ['customers', 'orders'])
      assert.equal(await page.getByTestId('search-group-products').count(), 0)
      assert.equal(await results(page).getByTestId('search-all-customers').innerText(), `See all customers matching “${fragment}”`)
      await snapshot(page, 'search-box-en')

      // The first entry is active; ↓ goes through "see all" into the orders group, ↑ comes back.
      await expectActive(page, `search-hit-customers-${nora.id}`)
      await page.keyboard.press('ArrowDown')
      await expectActive(page, 'search-all-customers')
      await page.keyboard.press('ArrowDown')
      await expectActive(page, `search-hit-orders-${order.id}`)
      await page.keyboard.press('ArrowUp')
      await page.keyboard.press('ArrowUp')
      await expectActive(page, `search-hit-customers-${nora.id}`)

      await page.keyboard.press('Enter')
      await page.waitForURL((url) => url.pathname === `/customers/${nora.id}`)
      await page
        .getByTestId('page-title')
        .filter({ hasText: `Nora Seeker ${run}` })
        .waitFor()
      assert.equal(await results(page).count(), 0, 'the list closed')
      assert.equal(await input(page).inputValue(), '', 'the box is cleared')
    })
  },
)

test(
  'zh-CN: a Chinese name fragment finds the customer; a SKU finds the product, opened with the keyboard',
  { timeout: 90_000 },
  async () => {
    const { baseUrl, email, password } = config()
    const { lin, product, order } = data
    await withBrowser('search-product', 'zh-CN', async (page) => {
      await signInPage(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/customers`)
      await page.getByTestId('page-title').waitFor()
      assert.equal(await input(page).getAttribute('placeholder'), '搜索客户、订单、商品')

      // Ctrl+K focuses the box, even from another text field.
      await page.getByTestId('customer-search').click()
      await page.keyboard.press('Control+k')
      await eventually(() => isFocused(page), 'Ctrl+K focuses the search box')

      const name = `晓${run}`
      await page.keyboard.type(name)
      const linHit = page.getByTestId('search-group-customers').getByTestId(`search-hit-customers-${lin.id}`)
      await linHit.waitFor()
      assert.deepEqual(await marks(linHit), [name.toLowerCase()], 'the name fragment is marked')
      assert.match(await page.getByTestId('search-group-customers').innerText(), /^客户/)
      assert.equal(await results(page).getByTestId('search-all-customers').innerText(), `查看所有匹配“${name}”的客户`)

      // A SKU fragment, typed in lower case: the order with that line, then the product.
      await input(page).fill(`srch-${run}`)
      const productHit = page.getByTestId('search-group-products').getByTestId(`search-hit-products-${product.id}`)
      await productHit.waitFor()
      await page.getByTestId('search-group-orders').getByTestId(`search-hit-orders-${order.id}`).waitFor()
      assert.deepEqual(await shownGroups(page), ['orders', 'products'])
      assert.match(await page.getByTestId('search-group-products').innerText(), /^商品/)
      assert.deepEqual(await marks(productHit), [`srch-${run}`], 'the SKU is marked')
      assert.match(await productHit.innerText(), new RegExp(`Lumen desk lamp ${run}`))
      await snapshot(page, 'search-box-zh')

      // ↑ from the first entry wraps to the last: the product.
      await expectActive(page, `search-hit-orders-${order.id}`)
      await page.keyboard.press('ArrowUp')
      await expectActive(page, `search-hit-products-${product.id}`)
      await page.keyboard.press('Enter')
      await page.waitForURL((url) => url.pathname === `/catalog/products/${product.id}`)
      await page
        .getByTestId('page-title')
        .filter({ hasText: `Lumen desk lamp ${run}` })
        .waitFor()
    })
  },
)

test(
  'en: Escape closes the list; "see all customers" opens the customers list filtered by the text, also from that list',
  { timeout: 90_000 },
  async () => {
    const { baseUrl, email, password } = config()
    const { nora, olaf } = data
    await withBrowser('search-see-all', 'en', async (page) => {
      await signInPage(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/customers?q=${encodeURIComponent(`Nora Seeker ${run}`)}`)
      await page.getByTestId(`customer-link-${nora.id}`).waitFor()

      await input(page).click()
      const text = `Quiet ${run}`
      await page.keyboard.type(text)
      const hit = page.getByTestId(`search-hit-customers-${olaf.id}`)
      await hit.waitFor()
      assert.ok((await marks(hit)).includes(text.toLowerCase()), 'the name fragment is marked')
      assert.deepEqual(await shownGroups(page), ['customers'], 'no orders or products matched: no group for them')

      await page.keyboard.press('Escape')
      await results(page).waitFor({ state: 'detached' })
      assert.equal(await input(page).inputValue(), text, 'Escape keeps the text')
      await page.keyboard.press('ArrowDown')
      await hit.waitFor()

      await results(page).getByTestId('search-all-customers').click()
      await page.waitForURL((url) => url.pathname === '/customers' && url.searchParams.get('q') === text)
      await eventually(
        async () => (await page.getByTestId('customer-search').inputValue()) === text,
        "the list's search box shows the text",
      )
      await page.getByTestId(`customer-link-${olaf.id}`).waitFor()
      const rows = page.getByTestId('customers-table').locator('.el-table__body .el-table__row')
      await eventually(async () => (await rows.count()) === 1, 'only the matching customer is listed')
      assert.equal(await page.getByTestId(`customer-link-${nora.id}`).count(), 0)
    })
  },
)

test('en: an answer that arrives after the text changed is not shown', { timeout: 90_000 }, async () => {
  const { baseUrl, email, password } = config()
  const { nora, olaf } = data
  await withBrowser('search-stale', 'en', async (page) => {
    await signInPage(page, baseUrl, email, password)
    const first = `seeker.${run}`
    let firstSeen
    const seen = new Promise((resolve) => (firstSeen = resolve))
    let release
    const released = new Promise((resolve) => (release = resolve))
    let firstDone
    const done = new Promise((resolve) => (firstDone = resolve))
    // The answer to the first text is held until the second has been shown, then sent (a customer
    // that does not exist, so that showing it would be visible).
    await page.route('**/api/v1/search?*', async (route) => {
      if (new URL(route.request().url()).searchParams.get('q') !== first) return route.continue()
      firstSeen()
      await released
      try {
        await route.fulfill({
          json: {
            query: first,
            groups: [
              {
                kind: 'customers',
                hits: [{ id: 987654321, title: 'Stale answer', subtitle: '', rank: 'exact', highlights: [] }],
                more: false,
              },
            ],
          },
        })
      } catch {
        // The page cancelled the request.
      }
      firstDone()
    })
    await page.goto(`${baseUrl}/dashboard`)
    await input(page).click()
    await page.keyboard.type(first)
    await seen
    await input(page).fill(`olaf.${run}`)
    await page.getByTestId(`search-hit-customers-${olaf.id}`).waitFor()
    release()
    await done
    // Let the page handle whatever reached it.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 100))))
    assert.equal(await page.getByTestId('search-hit-customers-987654321').count(), 0, 'the overtaken answer is not shown')
    assert.equal(await page.getByTestId(`search-hit-customers-${nora.id}`).count(), 0)
    await page.getByTestId(`search-hit-customers-${olaf.id}`).waitFor()
  })
})
