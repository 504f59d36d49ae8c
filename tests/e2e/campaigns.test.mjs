// Flows, campaigns and follows built in the UI against a running ecrm server:
// - a manual flow with a branch and a send step, saved and read back from the API; a `next` left
//   pointing at a removed step refused by the server with its message next to that field; the
//   flow turned on, a customer enrolled from the page and listed in its enrolments; deleted;
// - a campaign to a tag of customers made through the API: the live audience size (matched,
//   reachable, holdout, recipients) against the API's count, sent after a confirmation naming
//   the recipients, and its results page with the recipients; on a server with a relay
//   (ECRM_MAIL_URL, ECRM_SMTP_OUT, set by run_e2e.sh) every recipient's mail delivered and
//   received by the SMTP server, and nothing for the customer without consent;
// - a customer made to follow a product from the product page, shown on the 360° page and
//   ended there.
//
//   ECRM_BASE_URL=… ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… [ECRM_MAIL_URL=… ECRM_SMTP_OUT=…] node --test tests/e2e/

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { apiSession, runToken } from './api.mjs'
import { config, eventually, snapshot, textOf, withBrowser } from './browser.mjs'

/** The server with an SMTP relay when run_e2e.sh started one, else the main one. */
function server() {
  const { baseUrl, email, password } = config()
  const mailUrl = process.env.ECRM_MAIL_URL?.replace(/\/+$/, '')
  return { baseUrl: mailUrl || baseUrl, email, password, smtpOut: mailUrl ? process.env.ECRM_SMTP_OUT : undefined }
}

async function signIn(page, baseUrl, email, password) {
  await page.goto(`${baseUrl}/login`)
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((url) => url.pathname !== '/login')
}

/** Waits until no select's dropdown is open (a closing one still shows its options). */
async function dropdownsClosed(page) {
  await eventually(async () => (await page.locator('.el-select__popper:visible').count()) === 0, 'the dropdown closes')
}

/** Opens the Element Plus select with `testId` and clicks its option showing `text`. */
async function choose(page, testId, text) {
  await dropdownsClosed(page)
  await page.getByTestId(testId).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
  await dropdownsClosed(page)
}

/** Searches a customer by name in the customer picker `testId` and picks them. */
async function pickCustomer(page, testId, customer, search) {
  await dropdownsClosed(page)
  await page.getByTestId(testId).click()
  await page.keyboard.type(search)
  await page.locator('.el-select-dropdown__item:visible', { hasText: customer.name }).click()
  await dropdownsClosed(page)
}

/** The text box of an Element Plus input (the test id is on the input itself, or on its wrapper). */
function inputOf(page, testId) {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first()
}

/** The error Element Plus shows under the form item holding the element with `testId`. */
function fieldError(page, testId) {
  return page.locator('.el-form-item', { has: page.getByTestId(testId) }).last().locator('> .el-form-item__content > .el-form-item__error')
}

function isRequest(r, method, path) {
  return r.request().method() === method && new URL(r.url()).pathname === `/api/v1${path}`
}

test('en: a manual flow with a branch and a send step, a refused next, an enrolment', { timeout: 150_000 }, async () => {
  const { baseUrl, email, password } = server()
  const api = await apiSession(baseUrl, email, password)
  const run = runToken()
  const template = `e2e_flow_mail_${run}`
  await api.put(`/message-templates/${template}/en`, { kind: 'marketing', subject: 'Hello {{customer.name}}', html: '<p>Hi</p>', text: 'Hi' }, 200)
  const customer = await api.post(
    '/customers',
    { name: `Ines Flowtest ${run}`, email: `ines.${run}@example.com`, language: 'en', consent: { email: { granted: true, how: 'e2e' } } },
    201,
  )
  const key = `e2e_flow_${run}`

  await withBrowser('flow-editor', 'en', async (page) => {
    await signIn(page, baseUrl, email, password)
    await page.getByTestId('nav-marketing').locator('.el-sub-menu__title').click()
    await page.getByTestId('nav-automation').click()
    await page.getByTestId('flow-create').click()
    await page.waitForURL((url) => url.pathname === '/marketing/automation/flows/new')
    assert.equal(await textOf(page, 'page-title'), 'New flow')

    await page.getByTestId('flow-key').fill(key)
    await page.getByTestId('flow-name').fill(`VIP thanks ${run}`)
    await page.getByTestId('flow-description').fill('Thanks customers with consent, by hand')

    // The trigger's own members are shown only for the kinds they belong to.
    assert.equal(await page.getByTestId('flow-trigger-kind').innerText(), 'Manual or API')
    assert.equal(await page.getByTestId('flow-trigger-days').count(), 0, 'no days for a manual trigger')
    await choose(page, 'flow-trigger-kind', 'Inactivity')
    await page.getByTestId('flow-trigger-days').waitFor()
    await choose(page, 'flow-trigger-kind', 'Manual or API')
    await page.getByTestId('flow-trigger-days').waitFor({ state: 'detached' })

    // A branch on e-mail consent (its comparisons are those of a yes/no field) and a send step.
    await page.getByTestId('flow-add-step-branch').click()
    await page.getByTestId('step-0').waitFor()
    assert.equal(await inputOf(page, 'step-0-id').inputValue(), 'branch_1')
    await choose(page, 'step-0-conditions-0-field', 'E-mail consent')
    await dropdownsClosed(page)
    await page.getByTestId('step-0-conditions-0-op').click()
    const opItems = page.locator('.el-select-dropdown:visible .el-select-dropdown__item')
    await opItems.first().waitFor() // the dropdown opens with a transition
    const ops = await opItems.allInnerTexts()
    assert.deepEqual(ops, ['is given', 'is not given'], 'only the comparisons of a yes/no field')
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'is given' }).first().click()
    assert.equal(await page.getByTestId('step-0-conditions-0-values').count(), 0, 'consent takes no values')

    await page.getByTestId('flow-add-step-send').click()
    await choose(page, 'step-1-template', template)
    await choose(page, 'step-0-then', 'send_1 · Send')
    await choose(page, 'step-0-otherwise', 'End the flow')
    assert.equal(await page.getByTestId('step-1-next').innerText(), 'The following step (none: the flow ends)')

    let put = page.waitForResponse((r) => isRequest(r, 'PUT', `/automation/flows/${key}`))
    await page.getByTestId('flow-save').click()
    assert.equal((await put).status(), 200)
    await page.waitForURL((url) => url.pathname === `/marketing/automation/flows/${key}`)
    await page.getByTestId('flow-dirty').waitFor({ state: 'hidden' })
    let stored = await api.get(`/automation/flows/${key}`)
    assert.equal(stored.name, `VIP thanks ${run}`)
    assert.equal(stored.enabled, false)
    assert.equal(stored.definition.trigger.kind, 'manual')
    assert.deepEqual(
      stored.definition.steps.map((s) => [s.id, s.type]),
      [
        ['branch_1', 'branch'],
        ['send_1', 'send'],
      ],
    )
    const [branch, send] = stored.definition.steps
    assert.deepEqual(branch.conditions, [{ field: 'email_consent', op: 'is_true', values: [], min: null, max: null }])
    assert.equal(branch.then, 'send_1')
    assert.equal(branch.otherwise, 'end')
    assert.equal(send.template_key, template)
    assert.equal(send.next, null)

    // The send step goes to a tag step, which is then removed: the server refuses the `next`
    // naming it, and says so next to that field.
    await page.getByTestId('flow-add-step-tag').click()
    await page.getByTestId('step-2-add-tags').click()
    await page.keyboard.type(`e2e-${run}`)
    await page.keyboard.press('Enter')
    await page.keyboard.press('Escape')
    await dropdownsClosed(page)
    await choose(page, 'step-1-next', 'tag_1 · Tag')
    await page.getByTestId('step-2-remove').click()
    await page.getByTestId('step-2').waitFor({ state: 'detached' })
    assert.equal(await page.getByTestId('step-1-next').innerText(), 'No step "tag_1"')
    put = page.waitForResponse((r) => isRequest(r, 'PUT', `/automation/flows/${key}`))
    await page.getByTestId('flow-save').click()
    const refused = await put
    assert.equal(refused.status(), 400)
    const body = await refused.json()
    assert.equal(body.error.field, 'definition.steps[1].next')
    const nextError = fieldError(page, 'step-1-next')
    await nextError.waitFor()
    assert.equal(await nextError.innerText(), body.error.message)
    assert.ok(body.error.message.includes('tag_1'), 'the message names the missing step')
    assert.equal(await fieldError(page, 'step-0-then').count(), 0, 'only the named field shows the error')
    assert.ok((await textOf(page, 'flow-refused')).includes(body.error.message))
    await snapshot(page, 'flow-refused-en')
    assert.equal((await api.get(`/automation/flows/${key}`)).definition.steps[1].next, null, 'nothing was stored')

    // Fixed: the send step ends the flow; turned on and saved.
    await choose(page, 'step-1-next', 'End the flow')
    await nextError.waitFor({ state: 'detached' })
    await page.getByTestId('flow-enabled').click()
    put = page.waitForResponse((r) => isRequest(r, 'PUT', `/automation/flows/${key}`))
    await page.getByTestId('flow-save').click()
    assert.equal((await put).status(), 200)
    await page.getByTestId('flow-dirty').waitFor({ state: 'hidden' })
    stored = await api.get(`/automation/flows/${key}`)
    assert.equal(stored.enabled, true)
    assert.equal(stored.definition.steps.length, 2)
    assert.equal(stored.definition.steps[1].next, 'end')
    assert.equal(await textOf(page, 'flow-state'), 'On')
    await snapshot(page, 'flow-editor-en')

    // A manual flow enrols chosen customers; the enrolment is listed in its tab.
    await page.getByTestId('flow-enrol').click()
    await pickCustomer(page, 'enrol-customer', customer, `Flowtest ${run}`)
    await page.getByTestId(`enrol-chosen-${customer.id}`).waitFor()
    const enrolled = page.waitForResponse((r) => isRequest(r, 'POST', `/automation/flows/${key}/enrol`))
    await page.getByTestId('enrol-submit').click()
    const enrolResponse = await enrolled
    assert.equal(enrolResponse.status(), 200)
    assert.deepEqual(await enrolResponse.json(), { enrolled: 1, skipped: 0 })
    await page.getByTestId(`enrolment-customer-${customer.id}`).waitFor()
    assert.equal(await textOf(page, `enrolment-customer-${customer.id}`), customer.name)
    const enrolments = (await api.get(`/automation/flows/${key}/enrolments?customer_id=${customer.id}`)).items
    assert.equal(enrolments.length, 1, 'the API has the enrolment')
    assert.equal(await page.getByTestId('enrolments-table').locator('tbody tr').count(), 1)
    await snapshot(page, 'flow-enrolments-en')

    // A flow staff made can be deleted.
    await page.getByTestId('flow-delete').click()
    const deleted = page.waitForResponse((r) => isRequest(r, 'DELETE', `/automation/flows/${key}`))
    await page.locator('.el-message-box__btns .el-button--danger').click()
    assert.equal((await deleted).status(), 204)
    await page.waitForURL((url) => url.pathname === '/marketing/automation')
    await api.get(`/automation/flows/${key}`).then(
      () => assert.fail('the flow is gone'),
      (e) => assert.match(String(e), /404/),
    )

    // A shipped flow opens in the editor too, and cannot be deleted.
    await page.getByTestId('flow-link-win_back').click()
    await page.waitForURL((url) => url.pathname === '/marketing/automation/flows/win_back')
    await page.getByTestId('step-0').waitFor()
    assert.equal(await page.getByTestId('flow-delete').count(), 0)
    assert.equal(await inputOf(page, 'flow-trigger-threshold').inputValue(), '0.30')
  })
})

test('en: a campaign to a tag, its audience size, sent, and its results', { timeout: 150_000 }, async () => {
  const { baseUrl, email, password, smtpOut } = server()
  const api = await apiSession(baseUrl, email, password)
  const run = runToken()
  const tag = `camp-${run}`
  const template = `e2e_campaign_${run}`
  await api.put(
    `/message-templates/${template}/en`,
    { kind: 'marketing', subject: `Autumn offer ${run}`, html: '<p>Dear {{customer.name}}, 20% off.</p>', text: 'Dear {{customer.name}}, 20% off.' },
    200,
  )
  // Four customers with e-mail consent and one without: five match the tag, four are reachable.
  const consenting = []
  for (const name of ['Ada', 'Bo', 'Cai', 'Dee']) {
    consenting.push(
      await api.post(
        '/customers',
        { name: `${name} Camp ${run}`, email: `${name.toLowerCase()}.${run}@example.com`, tags: [tag], consent: { email: { granted: true, how: 'e2e' } } },
        201,
      ),
    )
  }
  const silent = await api.post('/customers', { name: `Eve Camp ${run}`, email: `eve.${run}@example.com`, tags: [tag] }, 201)
  const expected = await api.post('/campaigns/audience', { audience: { tag }, holdout_percent: 0 })
  assert.deepEqual(expected, { matched: 5, reachable: 4, holdout: 0, recipients: 4 }, 'the API counts the audience')

  await withBrowser('campaign', 'en', async (page) => {
    await signIn(page, baseUrl, email, password)
    await page.getByTestId('nav-marketing').locator('.el-sub-menu__title').click()
    await page.getByTestId('nav-campaigns').click()
    await page.waitForURL((url) => url.pathname === '/marketing/campaigns')
    assert.equal(await textOf(page, 'page-title'), 'Campaigns')
    await page.getByTestId('campaign-create').click()
    await page.waitForURL((url) => url.pathname === '/marketing/campaigns/new')

    await page.getByTestId('campaign-name').fill(`Autumn offer ${run}`)
    await choose(page, 'campaign-template', template)

    // The audience is counted as the filters change.
    await inputOf(page, 'audience-tag').fill(tag)
    await inputOf(page, 'campaign-holdout').fill('25')
    await inputOf(page, 'campaign-holdout').press('Tab')
    const withHoldout = await api.post('/campaigns/audience', { audience: { tag }, holdout_percent: 25 })
    const shows = async (size) => {
      for (const figure of ['matched', 'reachable', 'holdout', 'recipients']) {
        if ((await textOf(page, `audience-${figure}`)) !== String(size[figure])) return false
      }
      return true
    }
    await eventually(() => shows(withHoldout), 'the audience with a 25% holdout as the API counts it')
    assert.equal(withHoldout.holdout + withHoldout.recipients, 4)
    await inputOf(page, 'campaign-holdout').fill('0')
    await inputOf(page, 'campaign-holdout').press('Tab')
    await eventually(() => shows(expected), 'matched 5, reachable 4, holdout 0, recipients 4')
    await snapshot(page, 'campaign-builder-en')

    // Sent after a confirmation naming the recipients.
    await page.getByTestId('campaign-send').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.ok((await box.innerText()).includes(`now to 4 customers`), 'the confirmation names the recipients')
    const created = page.waitForResponse((r) => isRequest(r, 'POST', '/campaigns'))
    const sentResponse = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/campaigns\/\d+\/send$/.test(r.url()))
    await box.locator('.el-message-box__btns .el-button--primary').click()
    const campaign = await (await created).json()
    assert.equal((await sentResponse).status(), 200)
    assert.deepEqual(campaign.audience.tag, tag)
    await page.waitForURL((url) => url.pathname === `/marketing/campaigns/${campaign.id}`)
    await eventually(async () => (await textOf(page, 'campaign-status')) === 'Sent', 'the campaign shows as sent')
    assert.equal(await textOf(page, 'results-recipients'), '4')
    assert.equal(await textOf(page, 'results-holdout'), '0')
    assert.equal(await textOf(page, `campaign-audience-tag`), `Tag: ${tag}`)
    const results = await api.get(`/campaigns/${campaign.id}`)
    assert.equal(results.campaign.recipients, 4)
    assert.equal(results.queued + results.delivered + results.failed + results.suppressed + results.bounced, 4, 'a message per recipient')

    if (smtpOut) {
      // The relay takes the four mails; the page follows until none is queued.
      await eventually(async () => (await textOf(page, 'results-delivered')) === '4', 'the results page shows 4 delivered', 30_000)
      assert.equal(await textOf(page, 'results-queued'), '0')
      const received = readFileSync(smtpOut, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((m) => m.data.includes(`Autumn offer ${run}`))
      assert.deepEqual(received.flatMap((m) => m.rcpt_tos).sort(), consenting.map((c) => c.email).sort(), 'each consenting customer got the mail once')
      assert.ok(!received.some((m) => m.rcpt_tos.includes(silent.email)), 'nothing to the customer without consent')
      assert.ok(received.every((m) => m.data.includes(`X-Ecrm-Flow: ${campaign.key}`)))
    } else {
      // Without a relay the messages stay queued.
      assert.equal(await textOf(page, 'results-delivered'), String(results.delivered))
    }
    await page.getByTestId('results-chart').waitFor()
    assert.equal(await textOf(page, 'results-conversion-rate'), '0.0%')
    assert.equal(await textOf(page, 'results-lift'), '0.0 pp')
    await snapshot(page, 'campaign-results-en')

    // The list shows it with its recipients.
    await page.goto(`${baseUrl}/marketing/campaigns`)
    await page.getByTestId(`campaign-link-${campaign.id}`).waitFor()
    assert.equal(await textOf(page, `campaign-status-${campaign.id}`), 'Sent')
    assert.equal(await textOf(page, `campaign-recipients-${campaign.id}`), '4')
  })
})

test('en: a customer made to follow a product on its page, listed on the 360° page', { timeout: 90_000 }, async () => {
  const { baseUrl, email, password } = server()
  const api = await apiSession(baseUrl, email, password)
  const run = runToken()
  const category = await api.post('/categories', { name: `Follow kettles ${run}` }, 201)
  const product = await api.post(
    '/products',
    { sku: `FOLLOW-${run}`, name: `Copper kettle ${run}`, category_id: category.id, price: 5900, currency: 'EUR', stock_on_hand: 3 },
    201,
  )
  const customer = await api.post('/customers', { name: `Finn Follower ${run}`, email: `finn.${run}@example.com` }, 201)

  await withBrowser('follows', 'en', async (page) => {
    await signIn(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/catalog/products/${product.id}`)
    await page.getByTestId('product-follows').waitFor()
    await pickCustomer(page, 'follow-customer', customer, `Follower ${run}`)
    await eventually(
      async () => (await textOf(page, 'follow-product-state')) === `${customer.name} does not follow this product`,
      'the customer does not follow the product yet',
    )
    const followed = page.waitForResponse((r) => isRequest(r, 'POST', '/follows'))
    await page.getByTestId('follow-product-toggle').click()
    assert.equal((await followed).status(), 201)
    await eventually(
      async () => (await textOf(page, 'follow-product-state')).startsWith(`${customer.name} follows this product since`),
      'the page says the customer follows the product',
    )
    const follows = (await api.get(`/customers/${customer.id}/follows`)).items
    assert.deepEqual(
      follows.map((f) => [f.target_kind, f.target_id]),
      [['product', product.id]],
    )

    // The 360° page lists it, and ends it.
    await page.goto(`${baseUrl}/customers/${customer.id}`)
    const row = page.getByTestId(`customer-follow-product-${product.id}`)
    await row.waitFor()
    await eventually(async () => (await row.innerText()).includes(product.name), 'the follow shows the product’s name')
    const removed = page.waitForResponse((r) => isRequest(r, 'POST', '/follows/remove'))
    await page.getByTestId(`customer-follow-remove-${follows[0].id}`).click()
    assert.equal((await removed).status(), 204)
    await page.getByTestId('customer-follows-empty').waitFor()
    assert.deepEqual((await api.get(`/customers/${customer.id}/follows`)).items, [])
  })
})

test('zh-CN: the campaign and flow pages are translated', { timeout: 60_000 }, async () => {
  const { baseUrl, email, password } = server()
  await withBrowser('campaigns-zh', 'zh-CN', async (page) => {
    await signIn(page, baseUrl, email, password)
    await page.goto(`${baseUrl}/marketing/campaigns/new`)
    assert.equal(await textOf(page, 'page-title'), '新建营销活动')
    await page.getByTestId('audience-size').getByText('可触达', { exact: true }).waitFor()
    await page.goto(`${baseUrl}/marketing/automation/flows/new`)
    assert.equal(await textOf(page, 'page-title'), '新建流程')
    await page.getByTestId('flow-add-step-wait').click()
    await page.getByTestId('step-0').getByText('一段时间', { exact: true }).waitFor()
  })
})
