// The mentions inbox and the reputation dashboard against a running ecrm server: a mention of
// this run's own platform is sent to the signed webhook (HMAC-SHA-256 under a secret set through
// the API) naming a customer's handle and a product's SKU; the inbox lists it matched to both,
// its drawer records a reply (kept as not sent: no outgoing webhook is set) and escalates it to
// a ticket; the dashboard counts it. In English and in Chinese.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/social.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { config, eventually, textOf, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

const SECRET = 'e2e-social-secret-0123456789'

async function seed(baseUrl, email, password, token) {
  const api = await apiSession(baseUrl, email, password)
  await api.put('/social/settings', { inbound_secret: SECRET, reply_url: '' })
  const customer = await api.post('/customers', { name: `Social Fan ${token}` }, 201)
  await api.put(`/customers/${customer.id}/social-handles`, { handles: [{ platform: `e2e${token}`, handle: `fan_${token}` }] })
  const product = await api.post('/products', { sku: `SOC-${token}`, name: `Social Lamp ${token}`, price: 4900, currency: 'CNY' }, 201)
  const body = JSON.stringify({
    mentions: [
      {
        platform: `e2e${token}`,
        external_id: `post-${token}`,
        author_handle: `@fan_${token}`,
        url: `https://social.example/${token}`,
        text: `The soc-${token} lamp broke after one day, very bad`,
        posted_at: Date.now() - 60_000,
      },
    ],
  })
  const timestamp = String(Math.floor(Date.now() / 1000))
  const signature = `v1=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`
  const response = await fetch(`${baseUrl}/api/v1/social/mentions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Ecrm-Timestamp': timestamp, 'X-Ecrm-Signature': signature },
    body,
  })
  const text = await response.text()
  assert.equal(response.status, 200, text)
  const stored = JSON.parse(text)
  return { api, customer, product, mentionId: stored.ids[0] }
}

for (const [locale, title, unsent, escalated, dashboard] of [
  ['en', 'Mentions', 'Not sent', 'Escalated', 'Reputation'],
  ['zh-CN', '社交提及', '未发送', '已转工单', '口碑看板'],
]) {
  test(`${locale}: a signed mention in the inbox: reply, escalate, and on the dashboard`, { timeout: 120_000 }, async () => {
    const { baseUrl, email, password } = config()
    const token = runToken()
    const { api, customer, product, mentionId } = await seed(baseUrl, email, password, token)
    await withBrowser('social', locale, async (page) => {
      await signInPage(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/social/mentions?platform=e2e${token}`)
      await eventually(async () => (await page.getByTestId(`mention-${mentionId}`).count()) > 0, 'the mention is listed')
      assert.equal(await textOf(page, 'page-title'), title)
      const row = page.getByTestId('mentions-table').locator('tr', { hasText: `soc-${token}` })
      const cells = await row.first().locator('td').allInnerTexts()
      assert.match(cells[1], new RegExp(`Social Fan ${token}`))
      assert.match(cells[2], new RegExp(`Social Lamp ${token}`))

      await page.getByTestId(`mention-${mentionId}`).click()
      await eventually(async () => (await page.getByTestId('mention-detail-text').count()) > 0, 'the drawer opens')
      await page.locator('textarea[data-testid="reply-text"], [data-testid="reply-text"] textarea').fill(`Sorry, a new lamp is on its way (${locale})`)
      await page.getByTestId('reply-send').click()
      await eventually(async () => (await page.locator('[data-testid^="reply-status-"]').count()) > 0, 'the reply is listed')
      assert.equal((await page.locator('[data-testid^="reply-status-"]').first().innerText()).trim(), unsent)

      await page.getByTestId('mention-escalate').click()
      await eventually(async () => (await page.getByTestId('mention-ticket').count()) > 0, 'the ticket is linked')
      assert.equal((await textOf(page, 'mention-detail-status')).trim(), escalated)

      // The API agrees: one ticket on the customer, about the product, on the social channel.
      const detail = await api.get(`/social/mentions/${mentionId}`)
      assert.equal(detail.mention.customer_id, customer.id)
      assert.deepEqual(
        detail.mention.products.map((p) => p.id),
        [product.id],
      )
      assert.equal(detail.replies.length, 1)
      const ticket = await api.get(`/tickets/${detail.mention.ticket_id}`)
      assert.equal(ticket.channel, 'social')
      assert.equal(ticket.customer_id, customer.id)

      // The customer's 360° page: their handle, the mention among their latest and on the timeline.
      await page.goto(`${baseUrl}/customers/${customer.id}`)
      await eventually(async () => (await page.getByTestId('c360-social-handle').count()) > 0, 'the handle is shown')
      assert.match(await textOf(page, 'c360-social-handle'), new RegExp(`fan_${token}`))
      await eventually(
        async () => (await page.getByText(`The soc-${token} lamp broke`).count()) >= 2,
        'the mention is among the latest and on the timeline',
      )

            await page.goto(`${baseUrl}/social/reputation`)
      await eventually(async () => (await page.getByTestId('reputation-total').count()) > 0, 'the dashboard shows')
      assert.equal(await textOf(page, 'page-title'), dashboard)
      const total = Number((await textOf(page, 'reputation-total')).replace(/[^\d]/g, ''))
      assert.ok(total >= 1, `the dashboard counts the mention (${total})`)
    })
  })
}
