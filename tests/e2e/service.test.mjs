// The service desk in two browsers, on the server whose mail goes to the test SMTP server
// (ECRM_MAIL_URL and ECRM_SMTP_OUT, set by run_e2e.sh; skipped without them):
// - a customer signs in to the portal with the link from the mail the SMTP server received and
//   opens a request;
// - an agent signs in to the staff UI, finds it in the inbox's unassigned view, opens it, files it
//   under a category that an SLA policy of this run covers (the SLA panel then shows the first
//   response's clock running), answers it: the answer reaches the SMTP server, the SLA panel shows
//   the first response done and its clock stopped (as the API's sla.first_response_at says), and
//   marks it solved;
// - the customer rates it 4 in the portal; the agent's ticket page shows the rating, which the
//   ticket's history (GET /api/v1/tickets/{id}/events) records as a csat_answered event;
// - an agent opens a ticket for a customer with the new-ticket dialog, adds an internal note from
//   a macro (its actions applied by the server) which is never mailed.
//
//   ECRM_BASE_URL=… ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… ECRM_MAIL_URL=… ECRM_SMTP_OUT=… node --test tests/e2e/

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiSession, runToken } from './api.mjs'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'
import { mailedLink, mailTextsTo, mailUrl, smtpOut } from './mail.mjs'

const skip = !mailUrl || !smtpOut

async function signInStaff(page) {
  const { email, password } = config()
  await page.goto(`${mailUrl}/login`)
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((url) => url.pathname === '/dashboard')
}

const input = (page, testId) => page.locator(`[data-testid="${testId}"] input, input[data-testid="${testId}"]`).first()
const textarea = (page, testId) => page.locator(`[data-testid="${testId}"] textarea, textarea[data-testid="${testId}"]`).first()

test('a portal request answered from the inbox: the SLA clock stops, the answer is mailed, the customer rates it', { skip, timeout: 240_000 }, async () => {
  const { email, password } = config()
  const api = await apiSession(mailUrl, email, password)
  const run = runToken()
  const address = `service-${run}@example.com`
  const customer = await api.post('/customers', { name: `Chen Jing ${run}`, email: address }, 201)
  const category = `lens-${run}`
  await api.post('/sla-policies', { name: `E2E ${run}`, match: { category }, first_response_minutes: 240, resolution_minutes: 2880, notify_followers: false }, 201)
  await api.post('/portal/sign-in', { email: address }, 202)
  const link = await mailedLink(address, 1)
  const subject = `Lens cap missing ${run}`
  const answer = `A new cap ships today ${run}.`

  await withBrowser('service-customer', 'en', async (portal) => {
    // The customer opens a request in the portal.
    await portal.goto(`${mailUrl}${link}`)
    await portal.waitForURL(/\/portal\/orders$/)
    await portal.goto(`${mailUrl}/portal/tickets`)
    await portal.getByTestId('new-ticket').click()
    await input(portal, 'ticket-subject').fill(subject)
    await textarea(portal, 'ticket-body').fill('The box had no lens cap.')
    await portal.getByTestId('ticket-send').click()
    await portal.waitForURL(/\/portal\/tickets\/\d+$/)
    const ticketId = Number(portal.url().match(/tickets\/(\d+)$/)[1])
    const opened = await api.get(`/tickets/${ticketId}`)
    assert.equal(opened.customer_id, customer.id)
    assert.equal(opened.assignee_id, null, 'a new request is unassigned')

    await withBrowser('service-agent', 'en', async (agent) => {
      await signInStaff(agent)
      // The section's first page is the inbox.
      await agent.goto(`${mailUrl}/service`)
      await agent.waitForURL((url) => url.pathname === '/service/tickets')
      await agent.getByTestId('inbox-view-unassigned').click()
      await agent.waitForURL((url) => url.searchParams.get('view') === 'unassigned')
      const row = agent.getByTestId('tickets-table').locator('tr', { has: agent.getByTestId(`ticket-link-${ticketId}`) })
      await row.waitFor()
      assert.match(await row.innerText(), new RegExp(`Chen Jing ${run}`), 'the row names the customer')
      assert.equal(await textOf(agent, `ticket-status-${ticketId}`), 'New')
      assert.equal(await textOf(agent, `ticket-due-${ticketId}`), '—', 'no SLA policy applies yet')
      await snapshot(agent, 'service-inbox')
      // The channel filter: the portal's request is a web form, not an e-mail.
      const channel = async (label, value) => {
        await agent.getByTestId('filter-channel').click()
        await agent.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click()
        await agent.waitForURL((url) => url.searchParams.get('channel') === value)
      }
      await channel('E-mail', 'email')
      await eventually(async () => (await agent.getByTestId(`ticket-link-${ticketId}`).count()) === 0, 'not among e-mails')
      await channel('Web form', 'web_form')
      await agent.getByTestId(`ticket-link-${ticketId}`).waitFor()
      assert.equal(opened.channel, 'web_form')
      // Another view leaves it out: it is nobody's yet.
      await agent.getByTestId('inbox-view-mine').click()
      await agent.waitForURL((url) => url.searchParams.get('view') === 'mine')
      await eventually(async () => (await agent.getByTestId(`ticket-link-${ticketId}`).count()) === 0, 'not in "mine"')
      await agent.getByTestId('inbox-view-unassigned').click()
      await agent.getByTestId(`ticket-link-${ticketId}`).click()
      await agent.waitForURL((url) => url.pathname === `/service/tickets/${ticketId}`)
      assert.equal(await textOf(agent, 'ticket-subject'), subject)
      assert.equal(await textOf(agent, 'ticket-token'), opened.token)
      assert.equal(await agent.getByTestId('message-inbound').count(), 1, 'the customer’s message')
      assert.match(await textOf(agent, 'message-inbound'), /The box had no lens cap\./)
      await agent.getByTestId('sla-no-policy').waitFor()

      // Filed under the run's category, the policy applies: the first response is due and its clock runs.
      await input(agent, 'ticket-category').fill(category)
      await input(agent, 'ticket-category').press('Enter')
      await agent.getByTestId('sla-first_response-clock').waitFor()
      assert.match(await textOf(agent, 'sla-first_response-clock'), /^· in \d+ (min|h|d)$/)
      assert.equal(await agent.getByTestId('sla-first_response-pending').count(), 1, 'no first response yet')
      const filed = await api.get(`/tickets/${ticketId}`)
      assert.equal(filed.category, category)
      assert.ok(filed.sla.first_response_due, 'the API has the first response due')
      assert.equal(filed.sla.first_response_at, null)
      await snapshot(agent, 'service-ticket-before-reply')

      // The answer.
      await agent.getByTestId('reply-mode-public').click()
      await textarea(agent, 'reply-body').fill(answer)
      await agent.getByTestId('reply-send').click()
      await agent.getByTestId('message-outbound').waitFor()
      assert.match(await textOf(agent, 'message-outbound'), new RegExp(answer.replace('.', '\\.')))
      await agent.getByTestId('sla-first_response-done').waitFor()
      assert.equal(await agent.getByTestId('sla-first_response-clock').count(), 0, 'the first response clock stopped')
      const answered = await api.get(`/tickets/${ticketId}`)
      assert.ok(answered.sla.first_response_at, 'the API has the first response time')
      await eventually(async () => mailTextsTo(address).some((text) => text.includes(answer)), 'the answer reached the SMTP server', 30_000)

      // Solved with the quick button.
      await agent.getByTestId('ticket-set-solved').click()
      await eventually(async () => (await api.get(`/tickets/${ticketId}`)).status === 'solved', 'the ticket is solved')
      await eventually(async () => (await textOf(agent, 'ticket-status')).includes('Solved'), 'the page shows it solved')
      assert.equal(await agent.getByTestId('ticket-set-solved').count(), 0, 'no "solved" button on a solved ticket')
      await snapshot(agent, 'service-ticket-solved')

      // The customer reads the answer and rates it.
      await portal.reload()
      await eventually(async () => (await portal.getByTestId('message').count()) === 2, 'the answer is shown in the portal')
      assert.match(await portal.getByTestId('message').nth(1).innerText(), new RegExp(answer.replace('.', '\\.')))
      await portal.getByTestId('rating-score').locator('.el-rate__item').nth(3).click()
      await portal.getByTestId('rating-send').click()
      await eventually(async () => {
        const cookie = (await portal.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
        const r = await fetch(`${mailUrl}/api/v1/portal/tickets/${ticketId}`, { headers: { Cookie: cookie } })
        return (await r.json()).rating?.score === 4
      }, 'the rating 4 is recorded')

      // Staff see the rating: the ticket's history records it (a csat_answered event) and the page shows it.
      await eventually(
        async () => (await api.get(`/tickets/${ticketId}/events`)).items.some((e) => e.kind === 'csat_answered' && JSON.parse(e.detail).score === 4),
        'the rating is in the ticket’s history',
      )
      await agent.reload()
      await agent.getByTestId('ticket-rating').waitFor()
      assert.match(await textOf(agent, 'ticket-rating'), /Rated 4 of 5/)
      await agent.getByTestId('event-csat_answered').waitFor()
    })
  })
})

test('a ticket opened by staff for a customer, with an internal note from a macro', { skip, timeout: 180_000 }, async () => {
  const { email, password } = config()
  const api = await apiSession(mailUrl, email, password)
  const run = runToken()
  const address = `staff-ticket-${run}@example.com`
  const customer = await api.post('/customers', { name: `Wu Lan ${run}`, email: address }, 201)
  await api.post(
    '/macros',
    { name: `Escalate ${run}`, body: `Escalated to the workshop ${run}.`, public_reply: false, actions: { priority: 'high', add_tags: [`workshop-${run}`] } },
    201,
  )
  const subject = `Phone call about a broken tripod ${run}`

  await withBrowser('service-new-ticket', 'zh-CN', async (agent) => {
    await signInStaff(agent)
    await agent.goto(`${mailUrl}/service/tickets`)
    await agent.getByTestId('new-ticket').click()
    await agent.getByTestId('new-ticket-dialog').waitFor()
    await agent.getByTestId('new-ticket-customer').click()
    await agent.keyboard.type(`Wu Lan ${run}`)
    await agent.locator('.el-select-dropdown__item', { hasText: `Wu Lan ${run}` }).first().click()
    await input(agent, 'new-ticket-subject').fill(subject)
    await textarea(agent, 'new-ticket-body').fill('The tripod’s leg snapped.')
    await agent.getByTestId('new-ticket-create').click()
    await agent.waitForURL(/\/service\/tickets\/\d+$/)
    const ticketId = Number(agent.url().match(/tickets\/(\d+)$/)[1])
    const created = await api.get(`/tickets/${ticketId}`)
    assert.equal(created.customer_id, customer.id)
    assert.equal(created.subject, subject)
    assert.equal(created.channel, 'phone', 'the dialog’s default channel')
    assert.equal(await textOf(agent, 'ticket-subject'), subject)
    assert.match(await textOf(agent, 'customer-panel-name'), new RegExp(`Wu Lan ${run}`), 'the 360° side panel')
    assert.equal(await agent.getByTestId('customer-360-link').getAttribute('href'), `/customers/${customer.id}`)

    // The macro fills the text and switches to an internal note; the server applies its actions.
    await agent.getByTestId('reply-macro').click()
    await agent.locator('.el-select-dropdown__item', { hasText: `Escalate ${run}` }).first().click()
    assert.equal(await textarea(agent, 'reply-body').inputValue(), `Escalated to the workshop ${run}.`)
    assert.equal(await agent.getByTestId('reply-mode-note').locator('input').isChecked(), true, 'the macro is an internal note')
    await agent.getByTestId('reply-macro-actions').waitFor()
    await agent.getByTestId('reply-send').click()
    await agent.getByTestId('message-internal').waitFor()
    assert.match(await textOf(agent, 'message-internal'), new RegExp(`Escalated to the workshop ${run}`))
    await eventually(async () => {
      const t = await api.get(`/tickets/${ticketId}`)
      return t.priority === 'high' && t.tags.includes(`workshop-${run}`)
    }, 'the macro’s actions applied')
    assert.equal(created.sla.first_response_at, null)
    assert.equal((await api.get(`/tickets/${ticketId}`)).sla.first_response_at, null, 'a note is no response')
    assert.equal(await agent.getByTestId('message-outbound').count(), 0)
    // Give the outbox a moment: a note is never mailed.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.ok(!mailTextsTo(address).some((text) => text.includes(`Escalated to the workshop ${run}`)), 'the note was not mailed')
  })
})
