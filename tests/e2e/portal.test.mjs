// The customer portal (/portal) in the browser, on the server whose mail goes to the test SMTP
// server (ECRM_MAIL_URL and ECRM_SMTP_OUT, set by run_e2e.sh; skipped without them):
// - a customer asks for a sign-in link, reads "check your mail", and the link arrives in the
//   mail the SMTP server received; opening it signs them in (zh-CN) and shows their orders with
//   the shipment's tracking number, and the order's tracking page;
// - the same link opened again is refused with the reason;
// - in English, the profile page saves a changed name, which staff's API then reads;
// - in English, a customer opens a request on the tickets page, staff answer and solve it
//   through the API, and the customer reads the answer and rates it 5.
//
//   ECRM_BASE_URL=… ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… ECRM_MAIL_URL=… ECRM_SMTP_OUT=… node --test tests/e2e/

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiSession, runToken } from './api.mjs'
import { config, eventually, textOf, withBrowser } from './browser.mjs'
import { mailedLink, mailUrl, smtpOut } from './mail.mjs'

test('zh-CN: a customer signs in with the mailed link and sees their orders with tracking', { skip: !mailUrl || !smtpOut, timeout: 120_000 }, async () => {
  const { email, password } = config()
  const api = await apiSession(mailUrl, email, password)
  const run = runToken()
  const address = `portal-${run}@example.com`
  const customer = await api.post('/customers', { name: `王芳 ${run}`, email: address }, 201)
  const product = await api.post('/products', { sku: `PORTAL-${run}`, name: `相机 ${run}`, price: 45000, currency: 'CNY' }, 201)
  const order = await api.post('/orders', { customer_id: customer.id, lines: [{ product_id: product.id, quantity: 1 }] }, 201)
  const tracking = `SF${run.toUpperCase()}`
  await api.post(`/orders/${order.id}/status`, { status: 'shipped', carrier: '顺丰速运', tracking_number: tracking, note: 'internal note' })

  await withBrowser('portal-sign-in', 'zh-CN', async (page) => {
    await page.goto(`${mailUrl}/portal/`)
    // No session: the sign-in page.
    await page.getByTestId('email').locator('input').or(page.locator('input[data-testid="email"]')).first().fill(address)
    await page.getByTestId('send-link').click()
    await page.getByTestId('check-mail').waitFor()
    assert.match(await textOf(page, 'check-mail'), new RegExp(address))

    const link = await mailedLink(address, 1)
    await page.goto(`${mailUrl}${link}`)
    await page.waitForURL(/\/portal\/orders$/)
    await page.getByTestId('order').first().waitFor()
    const card = await textOf(page, 'order')
    assert.match(card, new RegExp(tracking), 'the order shows its tracking number')
    assert.match(card, /已发货/, 'the status in Chinese')
    assert.equal(await page.getByTestId('order').count(), 1, 'only the customer’s own order')

    await page.getByTestId('order').first().locator('a').first().click()
    await page.getByTestId('tracking-number').waitFor()
    assert.equal(await textOf(page, 'tracking-number'), tracking)
    assert.ok(!(await page.content()).includes('internal note'), 'no internal notes')

    // The link was used: opening it again says so.
    await page.getByTestId('sign-out').click()
    await page.waitForURL(/\/portal\/sign-in/)
    await page.goto(`${mailUrl}${link}`)
    await page.getByTestId('link-error').waitFor()
    assert.match(await textOf(page, 'link-error'), /已经用过/)
  })
})

test('en: a signed-in customer changes their name on the profile page', { skip: !mailUrl || !smtpOut, timeout: 120_000 }, async () => {
  const { email, password } = config()
  const api = await apiSession(mailUrl, email, password)
  const run = runToken()
  const address = `profile-${run}@example.com`
  const customer = await api.post('/customers', { name: `Li Lei ${run}`, email: address }, 201)
  await api.post('/portal/sign-in', { email: address }, 202)
  const link = await mailedLink(address, 1)

  await withBrowser('portal-profile', 'en', async (page) => {
    await page.goto(`${mailUrl}${link}`)
    await page.waitForURL(/\/portal\/orders$/)
    await page.goto(`${mailUrl}/portal/profile`)
    const name = page.locator('[data-testid="profile-name"] input, input[data-testid="profile-name"]').first()
    await name.waitFor()
    await name.fill(`Li Lei Jr ${run}`)
    await page.getByTestId('profile-save').click()
    await eventually(async () => (await api.get(`/customers/${customer.id}`)).name === `Li Lei Jr ${run}`, 'the new name is saved')
  })
})

test('en: a customer opens a request, reads the answer and rates it', { skip: !mailUrl || !smtpOut, timeout: 120_000 }, async () => {
  const { email, password } = config()
  const api = await apiSession(mailUrl, email, password)
  const run = runToken()
  const address = `ticket-${run}@example.com`
  const customer = await api.post('/customers', { name: `Zhou Min ${run}`, email: address }, 201)
  await api.post('/portal/sign-in', { email: address }, 202)
  const link = await mailedLink(address, 1)

  await withBrowser('portal-ticket', 'en', async (page) => {
    await page.goto(`${mailUrl}${link}`)
    await page.waitForURL(/\/portal\/orders$/)
    await page.goto(`${mailUrl}/portal/tickets`)
    await page.getByTestId('new-ticket').click()
    await page.locator('[data-testid="ticket-subject"] input, input[data-testid="ticket-subject"]').first().fill(`Lens cap missing ${run}`)
    await page.locator('[data-testid="ticket-body"] textarea, textarea[data-testid="ticket-body"]').first().fill('The box had no lens cap.')
    await page.getByTestId('ticket-send').click()
    await page.waitForURL(/\/portal\/tickets\/\d+$/)
    const ticketId = Number(page.url().match(/tickets\/(\d+)$/)[1])
    const staffView = await api.get(`/tickets/${ticketId}`)
    assert.equal(staffView.customer_id, customer.id, 'the ticket is on the customer')
    assert.equal(staffView.subject, `Lens cap missing ${run}`)

    await api.post(`/tickets/${ticketId}/replies`, { body: `A cap is on its way ${run}.`, status: 'solved' })
    await page.reload()
    await eventually(async () => (await page.getByTestId('message').count()) === 2, 'the answer is shown')
    assert.match(await page.getByTestId('message').nth(1).innerText(), new RegExp(`A cap is on its way ${run}`))
    await page.getByTestId('rating-score').locator('.el-rate__item').nth(4).click()
    await page.getByTestId('rating-send').click()
    await eventually(async () => (await api.get(`/tickets/${ticketId}`)).status === 'solved', 'still solved')
    await eventually(async () => {
      const r = await fetch(`${mailUrl}/api/v1/portal/tickets/${ticketId}`, { headers: { Cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })
      return (await r.json()).rating?.score === 5
    }, 'the rating 5 is recorded')
  })
})
