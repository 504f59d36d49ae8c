// The marketing pages against a running ecrm server: a flow switched off and on, the care policy
// table changed and still so after a reload, a run of the date flows for a day, a template whose
// subject is edited with the preview following for a chosen customer (and an unknown field named
// next to the subject), saved and sent as a test (refused: no relay); the outbox's counters
// against the API, a queued message in its list and detail, and on the customer's 360° page. On
// the outbox page, the sending rules saved and read back after a reload (quiet hours the server
// refuses named under their field), and an address suppressed and lifted.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiSession, runToken } from './api.mjs'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'

const STATUSES = ['queued', 'sending', 'sent', 'failed', 'bounced', 'suppressed']

async function signIn(page, baseUrl, email, password) {
  await page.goto(`${baseUrl}/login`)
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((url) => url.pathname !== '/login')
}

/** The error Element Plus shows under the form item holding the element with `testId`. */
function fieldError(page, testId) {
  return page.locator('.el-form-item', { has: page.getByTestId(testId) }).locator('.el-form-item__error')
}

test('en: flows, the care policy, a template with its live preview, and the outbox', { timeout: 150_000 }, async () => {
  const { baseUrl, email, password } = config()
  const api = await apiSession(baseUrl, email, password)
  const run = runToken()

  // A customer to preview for and to mail, and a template of this run's own.
  const customer = await api.post('/customers', { name: `Mei Lindqvist ${run}`, email: `mei.${run}@example.com`, language: 'en' }, 201)
  const key = `e2e_spring_${run}`
  await api.put(
    `/message-templates/${key}/en`,
    {
      kind: 'marketing',
      subject: 'Spring is here',
      html: '<p>Dear {{customer.name}},</p><p>our spring collection is in.</p>',
      text: 'Dear {{customer.name}},\nour spring collection is in.',
    },
    200,
  )
  const flowsBefore = (await api.get('/automation/flows')).items
  const flow = flowsBefore.find((f) => f.key === 'win_back') ?? flowsBefore[0]
  assert.ok(flow, 'the server has flows')
  const policyBefore = await api.get('/automation/policy')
  const loyal = policyBefore.tiers.find((r) => r.tier === 'loyal')
  assert.ok(loyal, 'the policy has a row for loyal customers')

  try {
    await withBrowser('marketing', 'en', async (page) => {
      await signIn(page, baseUrl, email, password)

      // Automation from the menu.
      await page.getByTestId('nav-marketing').locator('.el-sub-menu__title').click()
      await page.getByTestId('nav-automation').click()
      await page.waitForURL((url) => url.pathname === '/marketing/automation')
      assert.equal(await textOf(page, 'page-title'), 'Automation')

      // A flow switched, as the API then says, and back.
      const flowSwitch = page.getByTestId(`flow-switch-${flow.key}`)
      const input = flowSwitch.locator('input')
      await eventually(async () => (await input.isChecked()) === flow.enabled, 'the switch shows the stored state')
      for (const wanted of [!flow.enabled, flow.enabled]) {
        const patched = page.waitForResponse(
          (r) => r.url().endsWith(`/api/v1/automation/flows/${flow.key}`) && r.request().method() === 'PATCH',
        )
        await flowSwitch.click()
        assert.equal((await patched).status(), 200)
        await eventually(async () => (await input.isChecked()) === wanted, `the switch shows ${wanted ? 'on' : 'off'}`)
        const stored = (await api.get('/automation/flows')).items.find((f) => f.key === flow.key)
        assert.equal(stored.enabled, wanted, `the flow is stored ${wanted ? 'on' : 'off'}`)
      }

      // The policy table: loyal customers' card ticked over, saved, and still so after a reload.
      const loyalCard = page.getByTestId('policy-loyal-card').locator('input')
      assert.equal(await loyalCard.isChecked(), loyal.card)
      await page.getByTestId('policy-loyal-card').click()
      await page.getByTestId('policy-dirty').waitFor()
      const put = page.waitForResponse((r) => r.url().endsWith('/api/v1/automation/policy') && r.request().method() === 'PUT')
      await page.getByTestId('policy-save').click()
      assert.equal((await put).status(), 200)
      await page.getByTestId('policy-dirty').waitFor({ state: 'hidden' })
      const policyAfter = await api.get('/automation/policy')
      assert.equal(policyAfter.tiers.find((r) => r.tier === 'loyal').card, !loyal.card, 'the API has the new policy')
      for (const row of policyBefore.tiers.filter((r) => r.tier !== 'loyal')) {
        assert.deepEqual(
          policyAfter.tiers.find((r) => r.tier === row.tier),
          row,
          `${row.tier} is unchanged`,
        )
      }
      await page.reload()
      await page.getByTestId('policy-loyal-card').waitFor()
      await eventually(async () => (await loyalCard.isChecked()) === !loyal.card, 'the saved policy after a reload')
      assert.equal(
        await textOf(page, 'policy-loyal-outcome'),
        `→ ${!loyal.card ? 'Greeting card' : loyal.recommendations ? 'Recommendations mail' : 'nothing'}`,
      )

      // Run the date flows for a day: the summary shows what the server answered.
      await page.getByTestId('run-date').locator('input').fill('2024-03-15')
      await page.keyboard.press('Enter')
      await page.getByTestId('run-submit').click()
      const ran = page.waitForResponse((r) => r.url().endsWith('/api/v1/automation/run') && r.request().method() === 'POST')
      await page.locator('.el-message-box__btns .el-button--primary').click()
      const ranResponse = await ran
      assert.equal(ranResponse.status(), 200)
      const summary = await ranResponse.json()
      assert.equal(summary.date, '2024-03-15')
      assert.equal(await textOf(page, 'run-summary-enrolled'), String(summary.enrolled))
      assert.equal(await textOf(page, 'run-summary-queued'), String(summary.queued))
      assert.equal(await textOf(page, 'run-summary-date'), 'Mar 15, 2024')
      await snapshot(page, 'marketing-automation-en')

      // The template list, then the editor.
      await page.getByTestId('nav-templates').click()
      await page.waitForURL((url) => url.pathname === '/marketing/templates')
      await page.getByTestId(`template-link-${key}-en`).click()
      await page.waitForURL((url) => url.pathname === `/marketing/templates/${key}/en`)
      const subject = page.getByTestId('template-subject')
      await eventually(async () => (await subject.inputValue()) === 'Spring is here', 'the editor shows the stored subject')

      // Preview for the customer, chosen by searching their name.
      await page.getByTestId('preview-customer').click()
      await page.keyboard.type(`Lindqvist ${run}`)
      await page.locator('.el-select-dropdown__item:visible', { hasText: customer.name }).click()
      await eventually(async () => (await textOf(page, 'preview-subject')) === 'Spring is here', 'the preview renders the stored subject')
      await page.waitForURL((url) => url.searchParams.get('customer') === String(customer.id))

      // The subject changes, the preview follows with the customer's name.
      await subject.fill(`Spring is here, {{customer.name}} (${run})`)
      await eventually(
        async () => (await textOf(page, 'preview-subject')) === `Spring is here, ${customer.name} (${run})`,
        'the preview subject has the customer’s name',
      )
      const frame = page.frameLocator('[data-testid="preview-html"]')
      await eventually(
        async () => (await frame.locator('body').innerText()).includes(`Dear ${customer.name},`),
        'the HTML preview has the customer’s name',
      )
      assert.ok((await textOf(page, 'preview-text')).includes(`Dear ${customer.name},`), 'the text preview too')
      assert.equal(await page.getByTestId('preview-html').getAttribute('sandbox'), '', 'the HTML is shown in a sandboxed frame')

      // A field the server does not know is named next to the subject, and goes with the fix.
      await subject.fill('Hello {{customer.shoe_size}}')
      await eventually(
        async () => (await fieldError(page, 'template-subject').count()) > 0 && (await fieldError(page, 'template-subject').innerText()).includes('customer.shoe_size'),
        'the unknown field is named under the subject',
      )
      await subject.fill(`Spring is here, {{customer.name}} (${run})`)
      await fieldError(page, 'template-subject').waitFor({ state: 'detached' })

      const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/message-templates/${key}/en`) && r.request().method() === 'PUT')
      await page.getByTestId('template-save').click()
      assert.equal((await saved).status(), 200)
      await page.getByTestId('template-dirty').waitFor({ state: 'hidden' })
      const stored = await api.get(`/message-templates/${key}/en`)
      assert.equal(stored.subject, `Spring is here, {{customer.name}} (${run})`)
      await snapshot(page, 'marketing-template-en')

      // A test send to a staff address: this server has no SMTP relay, and the page says so.
      await page.getByTestId('test-send-to').fill(`staff.${run}@example.com`)
      const tested = page.waitForResponse((r) => r.url().endsWith('/api/v1/message-templates/test-send'))
      await page.getByTestId('test-send').click()
      const testedResponse = await tested
      assert.equal(testedResponse.status(), 409)
      const noRelay = (await testedResponse.json()).error
      assert.equal(noRelay.code, 'no_relay')
      await eventually(async () => (await textOf(page, 'test-send-result')).includes(noRelay.message), 'the refusal is shown')

      // A message of the template for the customer (no relay here: it stays queued).
      const message = await api.post('/messages', { customer_id: customer.id, template_key: key, source: `e2e_${run}` }, 201)

      // The outbox: the counters are the API's, the message is listed and opens in the drawer.
      await page.getByTestId('nav-outbox').click()
      await page.waitForURL((url) => url.pathname === '/marketing/outbox')
      assert.equal(await textOf(page, 'page-title'), 'Outbox')
      await eventually(async () => {
        const stats = await api.get('/messages/stats')
        for (const status of STATUSES) {
          const shown = (await textOf(page, `outbox-stat-${status}-value`)).replace(/[^\d]/g, '')
          if (shown !== String(stats[status])) {
            await page.getByTestId('outbox-refresh').click()
            return false
          }
        }
        return stats.queued >= 1
      }, 'the counters show the API’s figures')
      await page.getByTestId('outbox-filter-source').fill(`e2e_${run}`)
      await page.waitForURL((url) => url.searchParams.get('source') === `e2e_${run}`)
      await page.getByTestId(`outbox-message-${message.id}`).waitFor()
      await eventually(
        async () => (await page.getByTestId('outbox-table').locator('tbody tr').count()) === 1,
        'only the message of this run is listed',
      )
      assert.equal(await textOf(page, `outbox-status-${message.id}`), 'Queued')
      const eventsRead = page.waitForResponse((r) => r.url().endsWith(`/api/v1/messages/${message.id}/events`))
      await page.getByTestId(`outbox-message-${message.id}`).click()
      assert.equal((await eventsRead).status(), 200, 'the drawer reads the message’s events')
      await page.getByTestId('message-detail').waitFor()
      assert.equal(await textOf(page, 'message-detail-status'), 'Queued')
      await snapshot(page, 'marketing-outbox-en')
      await page.keyboard.press('Escape')

      // The customer's 360° page lists the message.
      await page.goto(`${baseUrl}/customers/${customer.id}`)
      await page.locator('#tab-messages').click()
      await page.getByTestId(`customer-message-status-${message.id}`).waitFor()
      assert.equal(await textOf(page, `customer-message-status-${message.id}`), 'Queued')
      assert.equal(await textOf(page, `customer-message-opens-${message.id}`), '0')
      assert.equal(await textOf(page, `customer-message-replies-${message.id}`), '0')
    })
  } finally {
    await api.put('/automation/policy', policyBefore, 200)
    await api.patch(`/automation/flows/${flow.key}`, { enabled: flow.enabled })
  }
})

test('en: the sending rules and the suppressed addresses on the outbox page', { timeout: 90_000 }, async () => {
  const { baseUrl, email, password } = config()
  const api = await apiSession(baseUrl, email, password)
  const run = runToken()
  const rulesBefore = await api.get('/messaging/rules')
  // Quiet hours far from now (an hour starting ten hours later), so that mail sent meanwhile by
  // other tests is not held by them; the rules are put back at the end.
  const hour = (new Date().getUTCHours() + 10) % 24
  const pad = (n) => String(n).padStart(2, '0')
  const quiet = `${pad(hour)}:00-${pad((hour + 1) % 24)}:30`
  const daily = rulesBefore.daily_cap === 7 ? 8 : 7
  const weekly = rulesBefore.weekly_cap === 19 ? 20 : 19
  const address = `blocked.${run}@example.com`

  try {
    await withBrowser('marketing-rules', 'en', async (page) => {
      await signIn(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/marketing/outbox`)
      await page.getByTestId('rules-card').getByText('Sending rules', { exact: true }).waitFor()
      const dailyInput = page.getByTestId('rules-daily-cap').locator('input')
      const weeklyInput = page.getByTestId('rules-weekly-cap').locator('input')
      const quietInput = page.getByTestId('rules-quiet-hours')
      await eventually(
        async () =>
          (await dailyInput.inputValue()) === String(rulesBefore.daily_cap) &&
          (await weeklyInput.inputValue()) === String(rulesBefore.weekly_cap) &&
          (await quietInput.inputValue()) === rulesBefore.quiet_hours,
        'the card shows the stored rules',
      )

      // Quiet hours the server refuses: its message under the field, nothing stored.
      await dailyInput.fill(String(daily))
      await dailyInput.press('Tab')
      await weeklyInput.fill(String(weekly))
      await weeklyInput.press('Tab')
      await quietInput.fill('25:00-08:00')
      const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/messaging/rules') && r.request().method() === 'PUT')
      await page.getByTestId('rules-save').click()
      const refusedResponse = await refused
      assert.equal(refusedResponse.status(), 400)
      const refusal = (await refusedResponse.json()).error
      assert.equal(refusal.field, 'quiet_hours')
      await fieldError(page, 'rules-quiet-hours').waitFor()
      assert.equal((await fieldError(page, 'rules-quiet-hours').innerText()).trim(), refusal.message)
      assert.deepEqual(await api.get('/messaging/rules'), rulesBefore, 'nothing was stored')

      // Good quiet hours: saved, the API has them, and so has the card after a reload.
      await quietInput.fill(quiet)
      await fieldError(page, 'rules-quiet-hours').waitFor({ state: 'detached' })
      const put = page.waitForResponse((r) => r.url().endsWith('/api/v1/messaging/rules') && r.request().method() === 'PUT')
      await page.getByTestId('rules-save').click()
      assert.equal((await put).status(), 200)
      await page.getByTestId('rules-dirty').waitFor({ state: 'hidden' })
      assert.deepEqual(await api.get('/messaging/rules'), { daily_cap: daily, weekly_cap: weekly, quiet_hours: quiet })
      await page.reload()
      await eventually(
        async () =>
          (await dailyInput.inputValue()) === String(daily) &&
          (await weeklyInput.inputValue()) === String(weekly) &&
          (await quietInput.inputValue()) === quiet,
        'the saved rules after a reload',
      )

      // An address suppressed from the page, found by searching it, then lifted.
      await page.getByTestId('suppression-address').fill(address)
      await page.getByTestId('suppression-detail').fill(`asked by phone ${run}`)
      const added = page.waitForResponse((r) => r.url().endsWith('/api/v1/suppressions') && r.request().method() === 'POST')
      await page.getByTestId('suppression-add').click()
      assert.equal((await added).status(), 201)
      const stored = (await api.get(`/suppressions?q=${encodeURIComponent(address)}`)).items
      assert.equal(stored.length, 1)
      assert.equal(stored[0].address, address)
      assert.equal(stored[0].detail, `asked by phone ${run}`)
      await page.getByTestId('suppression-search').fill(run)
      await page.getByTestId(`suppression-${address}`).waitFor()
      // The search is read after a pause while typing: until then the list is the unfiltered one,
      // which holds the addresses other tests suppressed too.
      await eventually(
        async () => (await page.getByTestId('suppressions-table').locator('tbody tr').count()) === 1,
        'only the address of this run is listed',
      )
      assert.ok((await page.getByTestId('suppressions-table').innerText()).includes(`asked by phone ${run}`))
      await snapshot(page, 'marketing-outbox-rules-en')

      const lifted = page.waitForResponse((r) => r.url().includes('/api/v1/suppressions/') && r.request().method() === 'DELETE')
      await page.getByTestId(`suppression-lift-${address}`).click()
      await page.locator('.el-message-box__btns .el-button--primary').click()
      assert.equal((await lifted).status(), 204)
      await page.getByTestId(`suppression-${address}`).waitFor({ state: 'detached' })
      assert.equal((await api.get(`/suppressions?q=${encodeURIComponent(address)}`)).items.length, 0, 'the API no longer has it')
    })
  } finally {
    await api.put('/messaging/rules', rulesBefore, 200)
  }
})

test('zh-CN: the automation page is translated', { timeout: 60_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('marketing-zh', 'zh-CN', async (page) => {
    await signIn(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/marketing/automation`)
    assert.equal(await textOf(page, 'page-title'), '自动化')
    await page.getByTestId('policy-table').getByText('贺卡', { exact: true }).waitFor()
    await page.goto(`${baseUrl}/marketing/outbox`)
    assert.equal(await textOf(page, 'page-title'), '发件箱')
    await page.getByTestId('outbox-stat-queued').getByText('排队中').waitFor()
    await page.getByTestId('rules-card').getByText('发送规则', { exact: true }).waitFor()
    await page.getByTestId('suppressions-card').getByText('已屏蔽地址', { exact: true }).waitFor()
  })
})

test('en: the marketing menu and the 360° messages are there only for roles holding marketing:read', { timeout: 60_000 }, async () => {
  const { baseUrl, email, password } = config()
  const api = await apiSession(baseUrl, email, password)
  const run = runToken()
  const customer = await api.post('/customers', { name: `Role Check ${run}` }, 201)
  const staffPassword = 'Staff-pass-1234!'
  for (const [role, sees] of [
    ['sales', false],
    ['marketing', true],
  ]) {
    const staff = `${role}.${run}@example.com`
    await api.post('/users', { email: staff, role, password: staffPassword }, 201)
    await withBrowser(`marketing-role-${role}`, 'en', async (page) => {
      await signIn(page, baseUrl, staff, staffPassword)
      await page.getByTestId('nav-customers').waitFor()
      assert.equal(await page.getByTestId('nav-marketing').count(), sees ? 1 : 0, `the ${role} role ${sees ? 'sees' : 'does not see'} Marketing`)
      await page.goto(`${baseUrl}/customers/${customer.id}`)
      await page.locator('#tab-orders').waitFor()
      assert.equal(await page.locator('#tab-messages').count(), sees ? 1 : 0, `the 360° messages tab for ${role}`)
      if (sees) {
        // marketing:write: the policy can be changed.
        await page.goto(`${baseUrl}/marketing/automation`)
        await page.getByTestId('policy-save').waitFor()
        assert.equal(await page.getByTestId('policy-very_loyal-card').locator('input').isDisabled(), false)
      } else {
        // The page itself is refused: the router sends the user away.
        await page.goto(`${baseUrl}/marketing/outbox`)
        await page.waitForURL((url) => url.pathname !== '/marketing/outbox')
      }
    })
  }
})
