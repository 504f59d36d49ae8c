// The product improvement report against a running ecrm server: tickets about a product of this
// run (battery complaints in Chinese and English, screen praise) and a defective return are made
// through the API; staff open the product's report from the menu page with the product in the
// address and find the battery at the top of the complaints with its quotes and its trend, an
// alert that it rises sharply (in the report and in the mining job's alerts), the screen among the
// praised aspects, the return reason with its note, and the page's figures equal to the API's.
// The mining job runs first: the report shows what it stored. In English and in Chinese.
// A staff user follows a product on its report before the job runs: the job's alert reaches them
// as a notice under the bell in the header, which they open and mark read (in English).
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/feedback.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

async function seed(baseUrl, email, password, token, { mineNow = true } = {}) {
  const api = await apiSession(baseUrl, email, password)
  const customer = await api.post('/customers', { name: `Feedback Fan ${token}` }, 201)
  const product = await api.post('/products', { sku: `FB-${token}`, name: `Feedback Phone ${token}`, price: 99900, currency: 'CNY' }, 201)
  const texts = [
    ['电池', '电池不耐用，一天要充三次电。'],
    ['电池太差', '电池太差了，用半天就没电，很失望'],
    ['发热', '电池发热严重，不推荐'],
    ['Battery', 'The battery dies after two hours. Terrible.'],
    ['Flat', 'Awful battery, it drains overnight.'],
    ['Screen', 'The screen is excellent, very happy with it.'],
    ['Thanks', 'Great screen, bright and sharp.'],
  ]
  for (const [subject, body] of texts) {
    await api.post('/tickets', { customer_id: customer.id, subject, body, product_id: product.id }, 201)
  }
  const order = await api.post('/orders', { customer_id: customer.id, lines: [{ product_id: product.id, quantity: 2 }] }, 201)
  await api.post(`/orders/${order.id}/status`, { status: 'shipped' })
  await api.post(`/orders/${order.id}/returns`, { reason: 'defective', note: `电池鼓包 ${token}`, lines: [{ order_line_id: order.lines[0].id, quantity: 1 }] }, 201)
  if (mineNow) await mine(api)
  return { api, product }
}

// Runs the feedback mining job (after any run already going) and waits for it to finish: the
// report shows what the job stored.
async function mine(api) {
  for (let attempt = 0; attempt < 600; attempt++) {
    const before = await api.get('/feedback/mining')
    if (before.state !== 'idle') {
      await new Promise((resolve) => setTimeout(resolve, 200))
      continue
    }
    try {
      await api.post('/feedback/mining', undefined, 202)
    } catch {
      continue // a scheduled run started meanwhile
    }
    await eventually(async () => {
      const state = await api.get('/feedback/mining')
      return state.state === 'idle' && state.finished_at !== before.finished_at
    }, 'the mining run finishes')
    return
  }
  throw new Error('the feedback mining job stayed busy')
}

for (const [locale, title, defective] of [
  ['en', 'Product improvement report', 'Defective'],
  ['zh-CN', '产品改进报告', '质量缺陷'],
]) {
  test(`${locale}: staff open a product's improvement report`, { timeout: 120_000 }, async () => {
    const { baseUrl, email, password } = config()
    const token = runToken()
    const { api, product } = await seed(baseUrl, email, password, token)
    const report = await api.get(`/feedback/products/${product.id}/report`)
    await withBrowser('feedback', locale, async (page) => {
      await signInPage(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/feedback/products`)
      await eventually(async () => (await page.getByTestId('feedback-pick').count()) > 0, 'the page asks for a product')
      assert.equal(await textOf(page, 'page-title'), title)

      await page.goto(`${baseUrl}/feedback/products?product=${product.id}`)
      await eventually(async () => (await page.getByTestId('feedback-complaints').count()) > 0, 'the complaints are listed')
      assert.match(await textOf(page, 'feedback-product-name'), new RegExp(`Feedback Phone ${token}`))
      assert.equal((await textOf(page, 'feedback-texts')).trim(), String(report.texts))

      const rows = page.getByTestId('feedback-complaints').locator('tbody tr')
      const first = await rows.first().locator('td').allInnerTexts()
      assert.equal(report.complaints[0].phrase, '电池')
      assert.match(first[0].trim(), /^电池/)
      assert.equal(first[1].trim(), String(report.complaints[0].count))
      assert.equal(first[2].replace(/\s/g, ''), `${report.complaints[0].recent}/${report.complaints[0].previous}`)
      assert.match(first[3], /电池/)
      // Three battery complaints this month and none before: an alert names the battery.
      assert.deepEqual(report.rising, ['电池'])
      assert.match(await textOf(page, 'feedback-rising'), /电池/)
      // The job's alert for this product: the battery rising this week.
      await eventually(async () => (await page.getByTestId('feedback-alerts').count()) > 0, 'the alerts are listed')
      assert.match(await textOf(page, 'feedback-alerts'), /电池/)
      assert.ok((await page.getByTestId('feedback-mine').count()) > 0, 'staff may mine now')
      const complaints = await page.getByTestId('feedback-complaints').innerText()
      assert.match(complaints, /battery/)

      const praise = await page.getByTestId('feedback-praise').innerText()
      assert.match(praise, /screen/)
      const returns = await page.getByTestId('feedback-returns').innerText()
      assert.match(returns, new RegExp(defective))
      assert.match(returns, new RegExp(`电池鼓包 ${token}`))
      await snapshot(page, `feedback-${locale}`)
    })
  })
}

test('en: a staff user follows a product and hears of its alert under the bell', { timeout: 120_000 }, async () => {
  const { baseUrl, email, password } = config()
  const token = runToken()
  const { api, product } = await seed(baseUrl, email, password, token, { mineNow: false })
  const staffEmail = `follower-${token}@notices.test`.toLowerCase()
  const staffPassword = 'Follower-pass-1234'
  await api.post('/users', { email: staffEmail, role: 'analyst', password: staffPassword }, 201)
  const follower = await apiSession(baseUrl, staffEmail, staffPassword)
  await withBrowser('feedback-follow', 'en', async (page) => {
    await signInPage(page, baseUrl, staffEmail, staffPassword)
    await page.goto(`${baseUrl}/feedback/products?product=${product.id}`)
    const follow = page.getByTestId('feedback-follow')
    await eventually(async () => (await follow.count()) > 0 && (await follow.isEnabled()), 'the follow control is shown')
    assert.equal(await follow.getAttribute('data-following'), 'no')
    assert.equal(await page.getByTestId('notice-badge').locator('sup').isVisible(), false)
    await follow.click()
    await eventually(async () => (await follow.getAttribute('data-following')) === 'yes', 'the product is followed')
    assert.match(await follow.innerText(), /Following alerts/)
    const subscriptions = await follower.get('/notices/subscriptions/feedback')
    assert.deepEqual(subscriptions.product_ids, [product.id])

    // The job raises the battery's alert (and any other of the product's): the follower's bell
    // counts a notice for each.
    await mine(api)
    const alerts = (await api.get(`/feedback/alerts?product_id=${product.id}`)).items
    assert.ok(alerts.some((a) => a.phrase === '电池'), JSON.stringify(alerts))
    const expected = alerts.length
    await page.reload()
    const badge = page.getByTestId('notice-badge').locator('sup')
    await eventually(async () => (await badge.isVisible()) && (await badge.innerText()).trim() === String(expected), 'the bell counts the notices')
    await page.getByTestId('notice-bell').click()
    const items = page.getByTestId('notice-item')
    await eventually(async () => (await items.count()) === expected, 'the notices are listed')
    const battery = items.filter({ hasText: '电池' })
    assert.equal(await battery.count(), 1)
    assert.match(await battery.innerText(), new RegExp(`Feedback Phone ${token}`))
    await snapshot(page, 'feedback-notice-en')
    await battery.getByTestId('notice-mark-read').click()
    await eventually(async () => (await follower.get('/notices/unread')).unread === expected - 1, 'the notice is read')
    if (expected === 1) await eventually(async () => !(await badge.isVisible()), 'the bell has no unread notice')
    // The admin, who follows nothing here, has no notice of this alert.
    const theirs = await api.get('/notices')
    assert.ok(!theirs.items.some((n) => n.link === `/feedback/products?product=${product.id}`))
  })
})
