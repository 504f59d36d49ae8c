// The community (/community, the portal's page) in the browser, on the server whose mail goes to
// the test SMTP server (ECRM_MAIL_URL and ECRM_SMTP_OUT, set by run_e2e.sh; skipped without
// them), customers signing in with the mailed link:
// - zh-CN: a customer posts a question on a product's board, another answers it, the first
//   votes the answer up and accepts it; the search finds the thread by a Chinese word inside a
//   sentence, the word marked;
// - en: a customer's thread is found by an English stem ("charge" finds "charging"); a visitor
//   reads it with no answer form and no thread form, only the sign-in prompt;
// - HTML and script posted in the browser run nowhere and are shown as text (also a body that
//   reached the page unstripped, answered by page.route): window.__xss stays undefined;
// - a customer reports an answer and staff hide it from the moderation queue (the section's
//   menu entry shown to an admin); the public thread no longer has it.
//
//   ECRM_BASE_URL=… ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… ECRM_MAIL_URL=… ECRM_SMTP_OUT=… node --test tests/e2e/community.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiSession, runToken } from './api.mjs'
import { config, eventually, openFromMenu, snapshot, textOf, withBrowser } from './browser.mjs'
import { mailedLink, mailUrl, smtpOut } from './mail.mjs'

const skip = !mailUrl || !smtpOut

const input = (page, testId) => page.locator(`[data-testid="${testId}"] input, input[data-testid="${testId}"]`).first()
const textarea = (page, testId) => page.locator(`[data-testid="${testId}"] textarea, textarea[data-testid="${testId}"]`).first()

const XSS = '<img src=x onerror=window.__xss=1><script>window.__xss=2</script>'

/** A product with its community board, made through staff's API. */
async function productBoard(api, run, name) {
  const product = await api.post(
    '/products',
    {
      sku: `COMM-${run}`,
      name: `${name} ${run}`,
      price: 19900,
      currency: 'CNY',
    },
    201,
  )
  const board = await api.post('/community/boards', { product_id: product.id }, 201)
  assert.equal(board.product_id, product.id)
  return { product, board }
}

/** A customer made through the API and their mailed sign-in link (path and query). */
async function customerWithLink(api, run, who) {
  const address = `community-${who}-${run}@example.com`
  const customer = await api.post('/customers', { name: `${who} ${run}`, email: address }, 201)
  await api.post('/portal/sign-in', { email: address }, 202)
  return { customer, address, link: await mailedLink(address, 1) }
}

/** Opens the mailed link in the browser (the portal's orders), then `path`. */
async function signIn(page, link, path) {
  await page.goto(`${mailUrl}${link}`)
  await page.waitForURL(/\/portal\/orders$/)
  await page.goto(`${mailUrl}${path}`)
}

/** Starts a thread on the board's page through the form; returns its id. */
async function postThread(page, boardId, { kind, title, body }) {
  await page.goto(`${mailUrl}/community/boards/${boardId}`)
  await page.getByTestId('new-thread').click()
  await page.waitForURL(/\/community\/new\?board=\d+$/)
  await page.getByTestId(`kind-${kind}`).click()
  await input(page, 'thread-subject').fill(title)
  await textarea(page, 'thread-body').fill(body)
  await page.getByTestId('thread-send').click()
  await page.waitForURL(/\/community\/threads\/\d+$/)
  await page.getByTestId('thread-title').waitFor()
  return Number(page.url().match(/threads\/(\d+)$/)[1])
}

/** Types `q` in the community's search box and waits for the results. */
async function search(page, q) {
  await input(page, 'community-search-input').fill(q)
  await page.getByTestId('community-search-button').click()
  await page.waitForURL((url) => url.pathname === '/community/search' && url.searchParams.get('q') === q)
  await page.getByTestId('search-results').locator('h2').waitFor()
}

async function signInStaff(page) {
  const { email, password } = config()
  await page.goto(`${mailUrl}/login`)
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((url) => url.pathname === '/dashboard')
}

/** Answers Element Plus' prompt box with `text`. */
async function answerPrompt(page, text) {
  const box = page.locator('.el-message-box')
  await box.waitFor()
  await box.locator('input, textarea').first().fill(text)
  await box.locator('.el-message-box__btns .el-button--primary').click()
  await box.waitFor({ state: 'hidden' })
}

test(
  'zh-CN: a question posted, answered by another customer, voted and accepted; found by a Chinese word inside a sentence',
  { skip, timeout: 240_000 },
  async () => {
    const { email, password } = config()
    const api = await apiSession(mailUrl, email, password)
    const run = runToken()
    const { product, board } = await productBoard(api, run, '蓝牙耳机')
    const asker = await customerWithLink(api, run, 'asker')
    const helper = await customerWithLink(api, run, 'helper')
    const title = `耳机连接问题 ${run}`
    const body = `我的新耳机总是无法连接蓝牙设备，重启手机也没有用。`
    const answer = `请先在设置里删除旧的配对记录，然后长按耳机按钮三秒重新配对。`

    await withBrowser('community-asker', 'zh-CN', async (page) => {
      await signIn(page, asker.link, `/community/boards/${board.id}`)
      await page.getByTestId('board-name').waitFor()
      const threadId = await postThread(page, board.id, {
        kind: 'question',
        title,
        body,
      })
      assert.equal(await textOf(page, 'thread-title'), title)
      assert.equal(await textOf(page, 'thread-kind'), '提问')
      assert.equal((await page.getByTestId('opening').getByTestId('post-body').innerText()).trim(), body)
      const created = await api.get(`/community/threads/${threadId}`)
      assert.equal(created.thread.title, title, 'the thread is stored')
      assert.equal(created.thread.board_id, board.id)
      // The thread links the board's product.
      assert.deepEqual(
        created.opening.links.map((l) => [l.kind, l.id]),
        [['product', product.id]],
      )
      assert.match(await page.getByTestId('opening').innerText(), new RegExp(product.name))

      // Another customer answers in their own browser.
      await withBrowser('community-helper', 'zh-CN', async (other) => {
        await signIn(other, helper.link, `/community/threads/${threadId}`)
        await textarea(other, 'answer-body').fill(answer)
        await other.getByTestId('answer-send').click()
        await other.getByTestId('answer').first().waitFor()
        assert.equal((await other.getByTestId('answer').first().getByTestId('post-body').innerText()).trim(), answer)
        // Not the helper's thread: no accept button; their own answer has no vote buttons enabled.
        assert.equal(await other.getByTestId('accept').count(), 0)
        assert.ok(await other.getByTestId('answer').first().getByTestId('vote-up').isDisabled(), 'no vote on one’s own post')
      })
      const answered = await api.get(`/community/threads/${threadId}`)
      assert.equal(answered.answers.length, 1)
      const answerId = answered.answers[0].id

      // The asker sees the answer, votes it up and accepts it.
      await page.reload()
      const card = page.locator(`[data-testid="answer"][data-post-id="${answerId}"]`)
      await card.waitFor()
      await card.getByTestId('vote-up').click()
      await eventually(async () => (await card.getByTestId('post-score').innerText()).trim() === '1', 'the vote counts')
      await card.getByTestId('accept').click()
      await card.getByTestId('accepted-mark').waitFor()
      assert.match(await card.getByTestId('accepted-mark').innerText(), /已采纳/)
      const accepted = await api.get(`/community/threads/${threadId}`)
      assert.equal(accepted.thread.accepted_post_id, answerId, 'the server has the accepted answer')
      assert.equal(accepted.answers[0].score, 1)
      const helperMember = await api.get(`/community/members/${helper.customer.id}`)
      assert.ok(helperMember.reputation > 0, 'the vote and the accepted answer earn the helper reputation')

      // The board lists the thread as answered.
      await page.goto(`${mailUrl}/community/boards/${board.id}`)
      const row = page.locator(`[data-testid="thread-row"][data-thread-id="${threadId}"]`)
      await row.waitFor()
      await row.getByTestId('thread-accepted').waitFor()
      assert.match(await row.getByTestId('thread-answers').innerText(), /1 个回答/)

      // Search: 蓝牙 is a word inside the body's sentence (无法连接蓝牙设备).
      await page.goto(`${mailUrl}/community`)
      await search(page, '蓝牙')
      const hit = page.locator(`[data-testid="search-hit"][data-thread-id="${threadId}"]`)
      await hit.waitFor()
      const marks = await hit.getByTestId('search-match').allInnerTexts()
      assert.ok(marks.includes('蓝牙'), `the word is marked (${marks.join(', ')})`)
      await snapshot(page, 'community-search-zh')
      await hit.click()
      await page.waitForURL(new RegExp(`/community/threads/${threadId}`))
    })
  },
)

test(
  'en: found by an English stem; a visitor reads without a post form; HTML and script stay text',
  { skip, timeout: 240_000 },
  async () => {
    const { email, password } = config()
    const api = await apiSession(mailUrl, email, password)
    const run = runToken()
    const { board } = await productBoard(api, run, 'Power bank')
    const author = await customerWithLink(api, run, 'author')
    const title = `Battery question ${run}`
    const body = 'The battery drains quickly when charging overnight. Is that normal?'
    let threadId = 0

    await withBrowser('community-author', 'en', async (page) => {
      await signIn(page, author.link, `/community/boards/${board.id}`)
      threadId = await postThread(page, board.id, {
        kind: 'defect',
        title,
        body,
      })
      assert.equal(await textOf(page, 'thread-kind'), 'Defect report')

      // "charge" finds "charging" (the same stem), marked.
      await page.goto(`${mailUrl}/community`)
      await search(page, `charge ${run}`)
      const hit = page.locator(`[data-testid="search-hit"][data-thread-id="${threadId}"]`)
      await hit.waitFor()
      const marks = (await hit.getByTestId('search-match').allInnerTexts()).map((m) => m.toLowerCase())
      assert.ok(marks.includes('charging'), `the stem's word is marked (${marks.join(', ')})`)
      await snapshot(page, 'community-search-en')

      // Markup posted in the browser: stored and shown as plain text, nothing runs.
      await page.goto(`${mailUrl}/community/threads/${threadId}`)
      await textarea(page, 'answer-body').fill(`Look: ${XSS} done`)
      await page.getByTestId('answer-send').click()
      const posted = page.getByTestId('answer').first()
      await posted.waitFor()
      const shown = (await posted.getByTestId('post-body').innerText()).trim()
      assert.match(shown, /^Look:/)
      assert.match(shown, /done$/)
      assert.equal(await posted.getByTestId('post-body').locator('img, script').count(), 0, 'no element made from the post')
      assert.equal(await page.locator('img[src="x"]').count(), 0)
      await page.waitForTimeout(300)
      assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script of the post ran')
      const stored = await api.get(`/community/threads/${threadId}`)
      assert.ok(!stored.answers[0].body.includes('<img'), 'the server keeps no tag')

      // A new account's web link waits for a moderator: the author sees it marked, nobody else.
      await textarea(page, 'answer-body').fill(`Cheaper here: https://batteries.example/deal ${run}`)
      await page.getByTestId('answer-send').click()
      const held = page.locator('[data-testid="answer"]', { hasText: 'batteries.example' })
      await held.waitFor()
      assert.equal((await held.getByTestId('post-status').innerText()).trim(), 'Waiting for a moderator')
      assert.equal((await api.get(`/community/threads/${threadId}`)).answers.length, 1, 'the held answer is not public')

      // A huge answer is refused with the limit named, and nothing is stored.
      await textarea(page, 'answer-body').fill('x'.repeat(20_001))
      await page.getByTestId('answer-send').click()
      await page.getByText('At most 20,000 characters').waitFor()
      assert.equal((await api.get(`/community/threads/${threadId}`)).answers.length, 1)

      // A body that reached the page with its markup (as if stored before the server stripped
      // tags): the page shows the characters, and nothing runs.
      await page.route(`**/api/v1/portal/community/threads/${threadId}`, async (route) => {
        const response = await route.fetch()
        const view = await response.json()
        view.opening.body = `${XSS}\n${view.opening.body}`
        await route.fulfill({ response, json: view })
      })
      await page.reload()
      const opening = page.getByTestId('opening').getByTestId('post-body')
      await opening.waitFor()
      assert.ok((await opening.innerText()).includes(XSS), 'the markup is shown as text')
      assert.equal(await opening.locator('img, script').count(), 0)
      await page.waitForTimeout(300)
      assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script of the post ran')
      await page.unroute(`**/api/v1/portal/community/threads/${threadId}`)
    })

    // A visitor reads the thread and its answer, with a sign-in prompt instead of the forms.
    await withBrowser('community-visitor', 'en', async (page) => {
      await page.goto(`${mailUrl}/community/threads/${threadId}`)
      await page.getByTestId('thread-title').waitFor()
      assert.equal(await textOf(page, 'thread-title'), title)
      assert.equal((await page.getByTestId('opening').getByTestId('post-body').innerText()).trim(), body)
      assert.equal(await page.getByTestId('answer').count(), 1)
      await page.getByTestId('answer-sign-in').waitFor()
      assert.equal(await page.getByTestId('answer-form').count(), 0, 'no answer form for a visitor')
      assert.equal(await page.getByTestId('answer-body').count(), 0)
      assert.ok(await page.getByTestId('opening').getByTestId('vote-up').isDisabled(), 'a visitor does not vote')
      assert.equal(await page.getByTestId('report').count(), 0)
      assert.equal(await page.getByTestId('follow').count(), 0)
      await page.getByTestId('community-sign-in').waitFor()
      await page.waitForTimeout(300)
      assert.equal(await page.evaluate(() => window.__xss), undefined)

      await page.goto(`${mailUrl}/community/boards/${board.id}`)
      await page.locator(`[data-testid="thread-row"][data-thread-id="${threadId}"]`).waitFor()
      assert.equal(await page.getByTestId('new-thread').count(), 0, 'no thread form for a visitor')
      await page.getByTestId('sign-in-to-post').click()
      await page.waitForURL(/\/portal\/sign-in\?next=/)
      await page.getByTestId('send-link').waitFor()

      // The mailed link brings the customer back to the board, where they may post.
      await input(page, 'email').fill(author.address)
      await page.getByTestId('send-link').click()
      await page.getByTestId('check-mail').waitFor()
      await page.goto(`${mailUrl}${await mailedLink(author.address, 2)}`)
      await page.waitForURL(new RegExp(`/community/boards/${board.id}$`))
      await page.getByTestId('new-thread').waitFor()
      await page.getByTestId('sign-out').click()
      await page.waitForURL(/\/portal\/sign-in$/)

      // The new-thread page itself needs the sign-in.
      await page.goto(`${mailUrl}/community/new?board=${board.id}`)
      await page.waitForURL(/\/portal\/sign-in/)
      assert.equal(await page.getByTestId('thread-form').count(), 0)
    })
  },
)

test('en: a reported answer is hidden by staff from the moderation queue', { skip, timeout: 240_000 }, async () => {
  const { email, password } = config()
  const api = await apiSession(mailUrl, email, password)
  const run = runToken()
  const { board } = await productBoard(api, run, 'Desk lamp')
  const asker = await customerWithLink(api, run, 'lamp')
  const rude = await customerWithLink(api, run, 'rude')
  const rudeText = `Buy my lamps instead, this shop is a scam ${run}`
  const reason = `Advertising ${run}`
  let threadId = 0
  let answerId = 0

  // One customer starts a thread and posts an advertisement as an answer to it.
  await withBrowser('community-rude', 'en', async (page) => {
    await signIn(page, rude.link, `/community/boards/${board.id}`)
    threadId = await postThread(page, board.id, {
      kind: 'discussion',
      title: `Lamp colours ${run}`,
      body: 'Which colour temperature do you use?',
    })
    await textarea(page, 'answer-body').fill(rudeText)
    await page.getByTestId('answer-send').click()
    await page.getByTestId('answer').first().waitFor()
  })
  const before = await api.get(`/community/threads/${threadId}`)
  answerId = before.answers.find((a) => a.body === rudeText).id

  // Another customer answers and reports the advertisement.
  await withBrowser('community-reporter', 'en', async (page) => {
    await signIn(page, asker.link, `/community/threads/${threadId}`)
    await textarea(page, 'answer-body').fill('Warm white in the evening.')
    await page.getByTestId('answer-send').click()
    await eventually(async () => (await page.getByTestId('answer').count()) === 2, 'both answers are shown')
    const card = page.locator(`[data-testid="answer"][data-post-id="${answerId}"]`)
    await card.getByTestId('report').click()
    await answerPrompt(page, reason)
    await page.locator('.el-message--success').waitFor()
  })

  await withBrowser('community-moderator', 'en', async (page) => {
    await signInStaff(page)
    await page.getByTestId('nav-community').click()
    await page.getByTestId('nav-moderation').click()
    await page.waitForURL((url) => url.pathname === '/moderation')
    const item = page.locator(`[data-testid="queue-item"][data-post-id="${answerId}"]`)
    await item.waitFor()
    assert.equal((await item.getByTestId('queue-body').innerText()).trim(), rudeText)
    assert.match(await item.getByTestId('queue-report').first().innerText(), new RegExp(reason))
    assert.equal((await item.getByTestId('queue-thread').innerText()).trim(), `Lamp colours ${run}`)
    await item.getByTestId('queue-hide').click()
    await answerPrompt(page, `Spam ${run}`)
    await item.waitFor({ state: 'detached' })
    await snapshot(page, 'community-moderation')
  })

  const after = await api.get(`/community/threads/${threadId}`)
  assert.ok(!after.answers.some((a) => a.id === answerId), 'the hidden answer is gone from the public thread')
  assert.equal(after.answers.length, 1)
  const queue = await api.get('/community/moderation/queue')
  assert.ok(!queue.items.some((i) => i.post.id === answerId), 'and from the queue')
})

test(
  'en: staff answer a defect report with the badge, make it a ticket (in the product improvement report) and the answer a help article customers read',
  { skip, timeout: 240_000 },
  async () => {
    const { email, password } = config()
    const api = await apiSession(mailUrl, email, password)
    const run = runToken()
    const { product, board } = await productBoard(api, run, 'Kettle')
    const reporter = await customerWithLink(api, run, 'kettle')
    const title = `Kettle lid will not close ${run}`
    const staffAnswer = `Press the hinge down until it clicks, then close the lid ${run}.`
    let threadId = 0

    await withBrowser('community-defect', 'en', async (page) => {
      await signIn(page, reporter.link, `/community/boards/${board.id}`)
      threadId = await postThread(page, board.id, {
        kind: 'defect',
        title,
        body: 'The lid springs open after two weeks of use.',
      })
    })

    await withBrowser('community-staff-thread', 'en', async (page) => {
      await signInStaff(page)
      await page.getByTestId('nav-community').click()
      await page.getByTestId('nav-threads').click()
      await page.waitForURL((url) => url.pathname === '/moderation/threads')
      await page.goto(`${mailUrl}/moderation/threads?board=${board.id}`)
      await page.locator(`[data-testid="thread-row"][data-thread-id="${threadId}"]`).getByTestId('thread-link').click()
      await page.waitForURL(new RegExp(`/moderation/threads/${threadId}$`))
      assert.equal(await textOf(page, 'thread-title'), title)

      await textarea(page, 'staff-answer-body').fill(staffAnswer)
      await page.getByTestId('staff-answer-send').click()
      const answer = page.getByTestId('answer').first()
      await answer.getByTestId('badge-staff').waitFor()
      assert.equal((await answer.getByTestId('post-body').innerText()).trim(), staffAnswer)

      // The defect report becomes a ticket on its author.
      await page.getByTestId('make-ticket').click()
      await page.getByTestId('ticket-link').waitFor()
      const ticketId = Number((await textOf(page, 'ticket-link')).match(/(\d+)/)[1])
      const ticket = await api.get(`/tickets/${ticketId}`)
      assert.equal(ticket.customer_id, reporter.customer.id, 'the ticket is the reporter’s')

      // The staff answer becomes a knowledge-base article.
      await answer.getByTestId('make-article').click()
      await answerPrompt(page, `How to close the kettle lid ${run}`)
      await page.locator('.el-message--success').filter({ hasText: 'published' }).waitFor()

      // The product's improvement report lists the defect report with its ticket, linked to the thread.
      await page.goto(`${mailUrl}/feedback/products?product=${product.id}`)
      const defects = page.getByTestId('feedback-defects')
      await defects.waitFor()
      const row = defects.locator('tr', { hasText: title })
      await row.waitFor()
      assert.match(await row.innerText(), new RegExp(`#${ticketId}`), 'with its ticket')
      await row.getByRole('link', { name: title }).click()
      await page.waitForURL(new RegExp(`/moderation/threads/${threadId}$`))
      await page.getByTestId('thread-title').waitFor()
      // The knowledge base lists the article, made from a staff answer.
      await openFromMenu(page, 'nav-articles', '/moderation/kb')
      const article = page.getByTestId('articles-table').locator('tr', { hasText: `How to close the kettle lid ${run}` })
      await article.waitFor()
      assert.match(await article.innerText(), /From a staff answer/)
      assert.match(await article.innerText(), /Published/)

      // The reporter's 360° page has the thread on the timeline, linked to staff's thread page.
      await page.goto(`${mailUrl}/customers/${reporter.customer.id}`)
      await page.getByTestId('timeline-community.thread').waitFor()
      assert.match(await page.getByTestId('timeline-community.thread').innerText(), /Started a community thread/)
      await page.getByTestId(`timeline-thread-link-${threadId}`).click()
      await page.waitForURL(new RegExp(`/moderation/threads/${threadId}$`))
    })
    const answerId = (await api.get(`/community/threads/${threadId}`)).answers[0].id
    const articles = await api.get('/community/kb')
    const article = articles.items.find((a) => a.source_post_id === answerId)
    assert.ok(article, 'the article is published')

    // Customers read the article on the community's page, and the staff badge on the thread.
    await withBrowser('community-article', 'en', async (page) => {
      await page.goto(`${mailUrl}/community`)
      await page
        .getByTestId('article-link')
        .filter({ hasText: `How to close the kettle lid ${run}` })
        .click()
      await page.waitForURL(new RegExp(`/community/kb/${article.id}$`))
      assert.equal(await textOf(page, 'article-title'), `How to close the kettle lid ${run}`)
      assert.equal(await textOf(page, 'article-body'), staffAnswer)
      await page.goto(`${mailUrl}/community/threads/${threadId}`)
      await page.getByTestId('answer').first().getByTestId('badge-staff').waitFor()
    })
  },
)

test('en: only a buyer reviews a product on its board', { skip, timeout: 240_000 }, async () => {
  const { email, password } = config()
  const api = await apiSession(mailUrl, email, password)
  const run = runToken()
  const { product, board } = await productBoard(api, run, 'Tea set')
  const buyer = await customerWithLink(api, run, 'buyer')
  const browsing = await customerWithLink(api, run, 'browsing')
  const order = await api.post(
    '/orders',
    {
      customer_id: buyer.customer.id,
      lines: [{ product_id: product.id, quantity: 1 }],
    },
    201,
  )
  await api.post(`/orders/${order.id}/status`, {
    status: 'shipped',
    carrier: 'SF',
    tracking_number: `SF${run}`,
  })
  const text = `Lovely cups, the pot pours well ${run}.`

  await withBrowser('community-review-refused', 'en', async (page) => {
    await signIn(page, browsing.link, `/community/boards/${board.id}`)
    await page.getByTestId('reviews').waitFor()
    await page.getByTestId('write-review').click()
    await page.getByTestId('review-rating').locator('.el-rate__item').nth(3).click()
    await page.getByTestId('review-send').click()
    await page.getByText('Only customers who bought this product can review it.').waitFor()
  })
  assert.equal((await api.get(`/products/${product.id}/reviews`)).count, 0, 'nothing stored')

  await withBrowser('community-review', 'en', async (page) => {
    await signIn(page, buyer.link, `/community/boards/${board.id}`)
    await page.getByTestId('write-review').click()
    await page.getByTestId('review-rating').locator('.el-rate__item').nth(4).click()
    await textarea(page, 'review-body').fill(text)
    await page.getByTestId('review-send').click()
    const review = page.getByTestId('review').first()
    await review.waitFor()
    assert.equal((await review.getByTestId('review-body-text').innerText()).trim(), text)
    assert.match(await review.innerText(), /Verified purchase/)
    assert.match(await textOf(page, 'reviews-count'), /1 review/)
    assert.match(await textOf(page, 'reviews-average'), /^5(\.0)? of 5$/)

    // A thread about the buyer's order links it.
    await page.getByTestId('new-thread').click()
    await page.getByTestId('thread-order').click()
    await page
      .locator('.el-select-dropdown__item')
      .filter({ hasText: `Order ${order.id}` })
      .click()
    await input(page, 'thread-subject').fill(`Spare lid for the tea pot ${run}`)
    await textarea(page, 'thread-body').fill('Can I buy a spare lid for this set?')
    await page.getByTestId('thread-send').click()
    await page.waitForURL(/\/community\/threads\/\d+$/)
    const asked = await api.get(`/community/threads/${Number(page.url().match(/threads\/(\d+)$/)[1])}`)
    assert.deepEqual(asked.opening.links.map((l) => [l.kind, l.id]).sort(), [
      ['order', order.id],
      ['product', product.id],
    ])
    assert.match(await page.getByTestId('opening').innerText(), new RegExp(`Order ${order.id}`))
  })
  const summary = await api.get(`/products/${product.id}/reviews`)
  assert.equal(summary.count, 1)
  assert.equal(summary.items[0].rating, 5)
  assert.equal(summary.items[0].verified_purchase, true)
  const reviewId = summary.items[0].id
  const reply = `Thank you, enjoy your tea ${run}`

  // Staff reply from the reviews page; the buyer's 360° page has the review.
  await withBrowser('community-review-reply', 'en', async (page) => {
    await signInStaff(page)
    await page.getByTestId('nav-community').click()
    await page.getByTestId('nav-reviews').click()
    await page.waitForURL((url) => url.pathname === '/moderation/reviews')
    const card = page.locator(`[data-testid="staff-review"][data-review-id="${reviewId}"]`)
    await card.waitFor()
    assert.equal((await card.getByTestId('staff-review-body').innerText()).trim(), text)
    await card.getByTestId('review-reply').click()
    await answerPrompt(page, reply)
    await card.getByTestId('staff-review-reply').waitFor()
    assert.match(await card.getByTestId('staff-review-reply').innerText(), new RegExp(reply))
    await page.goto(`${mailUrl}/customers/${buyer.customer.id}`)
    await page.getByTestId('timeline-community.review').waitFor()
    assert.match(await page.getByTestId('timeline-community.review').innerText(), /Reviewed a product, 5 of 5/)
  })
  assert.equal((await api.get(`/products/${product.id}/reviews`)).items[0].reply, reply)

  // A visitor reads the review with the shop's reply on the product's board.
  await withBrowser('community-review-visitor', 'en', async (page) => {
    await page.goto(`${mailUrl}/community/boards/${board.id}`)
    const review = page.getByTestId('review').first()
    await review.waitFor()
    assert.match(await review.innerText(), new RegExp(`The shop replied[\\s\\S]*${reply}`))
    assert.equal(await page.getByTestId('write-review').count(), 0, 'a visitor does not review')
  })
})
