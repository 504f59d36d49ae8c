// The product page and the recommendations on the demo shop (`ecrm demo --customers 5000`,
// loaded by run_e2e.sh into its own server), compared with what the API answers: bought-together
// items with their reasons (the API's structured reasons worded as the English UI words them,
// reasons.mjs) in the API's order and links between product pages, the bundle's
// suggested price, a customer's recommendations on the 360° page, the rules explorer's
// filters, and the links to product pages from the product list and an order's lines.

import { before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'
import { apiSession, signInPage } from './api.mjs'
import { uiReason } from './reasons.mjs'

const demoUrl = process.env.ECRM_DEMO_URL
// The page asks for this many items per list (RelatedProductsPanel's default).
const PANEL_LIMIT = 6

/** Waits until a recommendation build exists, starting one if the server has none going. */
async function ensureBuild(api) {
  let state = await api.get('/recommendations/rebuild')
  if (!state.build && state.state === 'idle') {
    try {
      state = await api.post('/recommendations/rebuild', {}, 202)
    } catch (error) {
      // 409: one started meanwhile (the server builds on start-up when it has nothing).
      if (!String(error.message).includes(': expected 202, got 409')) throw error
    }
  }
  await eventually(
    async () => {
      state = await api.get('/recommendations/rebuild')
      assert.notEqual(state.last_status, 'failed', `the rebuild failed: ${state.last_error}`)
      return state.build !== null
    },
    'a recommendation build exists',
    90_000,
  )
  return state.build
}

/** Digits of a displayed amount: "$41.38" and "US$41.38" are both "4138" (two-decimal currencies). */
function digits(text) {
  return text.replace(/\D/g, '')
}

/** [{id, name, reason}] of the links with `linkTestId` inside `container`, in page order. */
async function listedItems(container, linkTestId) {
  const links = await container.getByTestId(linkTestId).evaluateAll((nodes) =>
    nodes.map((n) => ({ id: Number(n.getAttribute('data-product-id')), name: n.textContent.trim() })),
  )
  const reasons = await container.getByTestId('reason-text').allInnerTexts()
  return links.map((l, i) => ({ ...l, reason: (reasons[i] ?? '').trim() }))
}

describe('demo shop: product page and recommendations', { skip: !demoUrl && 'ECRM_DEMO_URL is not set (run through tests/scripts/run_e2e.sh)' }, () => {
  let api
  let email
  let password
  let build
  // A product with at least two bought-together items, and its lists from the API.
  let product
  let together
  let bundle

  before(async () => {
    ;({ email, password } = config())
    api = await apiSession(demoUrl, email, password)
    build = await ensureBuild(api)
    assert.ok(build.rules > 0, `the demo build has rules (${JSON.stringify(build)})`)
    const rules = await api.get('/recommendations/rules?limit=200')
    const seeds = [...new Set(rules.items.filter((r) => r.antecedent.length === 1).map((r) => r.antecedent[0].id))]
    for (const id of seeds) {
      const related = await api.get(`/products/${id}/related?kind=bought_together&limit=${PANEL_LIMIT}`)
      if (related.items.length >= 2) {
        product = await api.get(`/products/${id}`)
        together = related.items
        break
      }
    }
    assert.ok(product, 'some demo product has two or more products bought together with it')
    bundle = await api.get(`/products/${product.id}/bundle`)
  })

  test('the product page lists the API bought-together items in order with their reasons, linked to their pages', { timeout: 60_000 }, async () => {
    await withBrowser('product-page', 'en-US', async (page) => {
      await signInPage(page, demoUrl, email, password)
      await page.goto(`${demoUrl}/catalog/products/${product.id}`)
      await page.getByTestId('page-title').filter({ hasText: product.name }).waitFor()
      assert.equal(await textOf(page, 'product-sku'), product.sku)

      const section = page.getByTestId('related-bought_together')
      await section.getByTestId('related-item-link').first().waitFor()
      const shown = await listedItems(section, 'related-item-link')
      assert.deepEqual(
        shown,
        together.map((item) => ({ id: item.product_id, name: item.name, reason: uiReason(item.reason, item) })),
        'the same items, in the same order, with the same reasons',
      )

      // Sales figures are the API's.
      const sales = await api.get(`/products/${product.id}/sales`)
      assert.ok(sales.items.length > 0, 'a product in rules has sold')
      const orders = sales.items.reduce((n, s) => n + s.orders, 0)
      assert.equal(digits(await textOf(page, 'product-sales-orders')), String(orders))
      await snapshot(page, 'product-page')

      // An item's link opens that product's page, with its own lists.
      const next = together[0]
      await section.getByTestId('related-item-link').first().click()
      await page.waitForURL((url) => url.pathname === `/catalog/products/${next.product_id}`)
      await page.getByTestId('page-title').filter({ hasText: next.name }).waitFor()
      const nextTogether = await api.get(`/products/${next.product_id}/related?kind=bought_together&limit=${PANEL_LIMIT}`)
      if (nextTogether.items.length > 0) {
        const first = page.getByTestId('related-bought_together').getByTestId('related-item-link').first()
        await eventually(
          async () => Number(await first.getAttribute('data-product-id')) === nextTogether.items[0].product_id,
          "the linked product's own bought-together list",
        )
      } else {
        await page.getByTestId('related-empty-bought_together').waitFor()
      }
    })
  })

  test('the bundle block shows the suggested price, total and items of the API', { timeout: 60_000 }, async () => {
    assert.ok(bundle.items.length > 0, 'a product with bought-together items has a bundle')
    await withBrowser('product-bundle', 'en-US', async (page) => {
      await signInPage(page, demoUrl, email, password)
      await page.goto(`${demoUrl}/catalog/products/${product.id}`)
      const block = page.getByTestId('related-bundle')
      await block.getByTestId('bundle-price').waitFor()
      assert.equal(digits(await textOf(block, 'bundle-price')), String(bundle.bundle_price))
      assert.equal(digits(await textOf(block, 'bundle-total')), String(bundle.total))
      assert.ok(bundle.bundle_price < bundle.total, 'the bundle is cheaper than its items')
      const ids = await block
        .getByTestId('bundle-item-link')
        .evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-product-id'))))
      assert.deepEqual(ids, bundle.items.map((i) => i.product_id))
      const explanation = await textOf(block, 'bundle-explanation')
      assert.ok(explanation.includes(String(bundle.items[0].reason.count)), explanation)
    })
  })

  test('zh-CN: the product page is translated', { timeout: 60_000 }, async () => {
    await withBrowser('product-zh', 'zh-CN', async (page) => {
      await signInPage(page, demoUrl, email, password)
      await page.goto(`${demoUrl}/catalog/products/${product.id}`)
      await page.getByTestId('related-bought_together').getByRole('heading', { name: '经常一起购买' }).waitFor()
      await page.getByTestId('related-bundle').getByRole('heading', { name: '推荐组合' }).waitFor()
      await page.getByTestId('product-sales').getByText('售出件数', { exact: true }).waitFor()
    })
  })

  test("the 360° page shows a customer's recommendations as the API has them, with reasons and links", { timeout: 60_000 }, async () => {
    const customers = await api.get('/customers?limit=100')
    let chosen = null
    let recs = null
    for (const c of customers.items) {
      const r = await api.get(`/customers/${c.id}/recommendations?limit=10`)
      if ((r.source === 'rebuild' || r.source === 'incremental') && r.items.length >= 3) {
        chosen = c
        recs = r
        break
      }
    }
    assert.ok(chosen, 'some demo customer has a personal list')
    await withBrowser('customer-recommendations', 'en-US', async (page) => {
      await signInPage(page, demoUrl, email, password)
      await page.goto(`${demoUrl}/customers/${chosen.id}`)
      const panel = page.getByTestId('customer-recommendations')
      await panel.getByTestId('recommendation-item-link').first().waitFor()
      const shown = await listedItems(panel, 'recommendation-item-link')
      assert.deepEqual(
        shown,
        recs.items.map((item) => ({ id: item.product_id, name: item.name, reason: uiReason(item.reason, item) })),
      )
      const href = await panel.getByTestId('recommendation-item-link').first().getAttribute('href')
      assert.equal(href, `/catalog/products/${recs.items[0].product_id}`)
    })
  })

  test('the rules explorer filters by min confidence and lift as the API does', { timeout: 60_000 }, async () => {
    const all = (await api.get('/recommendations/rules?min_support=0&min_confidence=0&min_lift=0&limit=500')).items
    const count = (c, l) => all.filter((r) => r.confidence >= c && r.lift >= l).length
    // Thresholds the inputs can hold (steps of 0.05 and 0.5) that keep some rules and drop others.
    const grid = (step, max) => Array.from({ length: Math.round(max / step) }, (_, i) => Number(((i + 1) * step).toFixed(2)))
    const confidence = grid(0.05, 0.95).find((c) => count(c, 0) > 0 && count(c, 0) < all.length)
    assert.ok(confidence !== undefined, 'the demo rules have a spread of confidences')
    const lift = grid(0.5, 50).find((l) => count(confidence, l) > 0 && count(confidence, l) < count(confidence, 0)) ?? 1
    const expected = await api.get(`/recommendations/rules?min_support=0&min_confidence=${confidence}&min_lift=${lift}&limit=100`)
    assert.ok(expected.items.length > 0 && expected.items.length < all.length, `${expected.items.length} of ${all.length} rules`)

    await withBrowser('rules-explorer', 'en-US', async (page) => {
      await signInPage(page, demoUrl, email, password)
      await page.goto(`${demoUrl}/analytics/rules`)
      await page.getByTestId('rules-table').locator('tbody tr').first().waitFor()
      await page.getByTestId('rules-min-support').locator('input').fill('0')
      await page.getByTestId('rules-min-confidence').locator('input').fill(String(confidence))
      await page.getByTestId('rules-min-lift').locator('input').fill(String(lift))
      await page.getByTestId('rules-min-lift').locator('input').press('Tab')
      const answered = page.waitForResponse((r) => {
        const url = new URL(r.url())
        return (
          url.pathname === '/api/v1/recommendations/rules' &&
          Number(url.searchParams.get('min_confidence')) === confidence &&
          Number(url.searchParams.get('min_lift')) === lift
        )
      })
      await page.getByTestId('rules-apply').click()
      await answered
      const rows = page.getByTestId('rules-table').locator('tbody tr')
      await eventually(async () => (await rows.count()) === expected.items.length, `${expected.items.length} rows`)
      const consequents = await page.getByTestId('rule-consequent-link').evaluateAll((nodes) =>
        nodes.map((n) => Number(n.getAttribute('data-product-id'))),
      )
      assert.deepEqual(consequents, expected.items.map((r) => r.consequent.id))
      // A product in a rule opens its page.
      await page.getByTestId('rule-consequent-link').first().click()
      await page.waitForURL((url) => url.pathname === `/catalog/products/${expected.items[0].consequent.id}`)
      await page.getByTestId('page-title').filter({ hasText: expected.items[0].consequent.name }).waitFor()
    })
  })

  test('the product list and an order line link to the product page', { timeout: 60_000 }, async () => {
    const orders = await api.get('/orders?limit=1')
    const order = await api.get(`/orders/${orders.items[0].id}`)
    const line = order.lines[0]
    await withBrowser('product-links', 'en-US', async (page) => {
      await signInPage(page, demoUrl, email, password)
      await page.goto(`${demoUrl}/catalog`)
      await page.getByTestId('product-search').fill(product.sku)
      await page.getByTestId(`product-name-${product.id}`).click()
      await page.waitForURL((url) => url.pathname === `/catalog/products/${product.id}`)
      await page.getByTestId('page-title').filter({ hasText: product.name }).waitFor()

      await page.goto(`${demoUrl}/orders/${order.id}`)
      await page.getByTestId(`order-line-product-${line.id}`).click()
      await page.waitForURL((url) => url.pathname === `/catalog/products/${line.product_id}`)
      await page.getByTestId('product-sku').filter({ hasText: line.sku }).waitFor()
    })
  })
})
