// Live chat in real browsers: a shop page on another origin carries the widget (/chat.js with a
// write key); an agent signs in, opens Service → Live chat and becomes available; the visitor
// opens the widget and writes; the agent sees the conversation, the visitor's typing, answers
// while the widget shows the agent typing; the answer arrives in the widget; the agent ends the
// chat and the widget says so. Everything goes over the two WebSockets.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { config, eventually, withBrowser } from './browser.mjs'

async function writeKey() {
  const { baseUrl, email, password } = config()
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  assert.equal(login.status, 200)
  const cookie = login.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await login.json()
  const created = await fetch(`${baseUrl}/api/v1/write-keys`, {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: `chat-e2e-${Date.now()}` }),
  })
  assert.equal(created.status, 201)
  return (await created.json()).key
}

async function startShop(baseUrl, key) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script async src="${baseUrl}/chat.js" data-key="${key}"></script></head>
<body><h1>Shop</h1></body></html>`
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(html)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${server.address().port}` }
}

test('a chat round trip between the widget on a shop page and the agent console', async () => {
  const { baseUrl, email, password } = config()
  const key = await writeKey()
  const shop = await startShop(baseUrl, key)
  try {
    await withBrowser('chat-round-trip', 'en', async (agent) => {
      await agent.goto(`${baseUrl}/login`)
      await agent.getByTestId('login-email').fill(email)
      await agent.getByTestId('login-password').fill(password)
      await agent.getByTestId('login-submit').click()
      await agent.waitForURL((url) => url.pathname === '/dashboard')
      await agent.getByTestId('nav-service').locator('.el-sub-menu__title').click()
      await agent.getByTestId('nav-chat').click()
      await agent.waitForURL((url) => url.pathname === '/service/chat')
      await eventually(
        async () => (await agent.getByTestId('chat-connection').innerText()).trim() === 'Connected',
        'the console connects',
      )
      await agent.getByTestId('chat-status').click()
      await eventually(
        async () => (await agent.getByTestId('chat-status').getAttribute('class')).includes('is-checked'),
        'the agent is available',
      )

      const visitor = await agent.context().newPage()
      await visitor.goto(`${shop.url}/`)
      await visitor.locator('.ecrm-chat-button').click()
      await visitor.locator('.ecrm-chat-input').waitFor()
      await visitor.locator('.ecrm-chat-input').fill('Hello, is the blender in stock?')
      await visitor.locator('.ecrm-chat-input').press('Enter')

      const asked = agent.getByTestId('chat-message-visitor').filter({ hasText: 'Hello, is the blender in stock?' })
      await asked.waitFor()

      // The visitor types: the console shows it.
      await visitor.locator('.ecrm-chat-input').pressSequentially('and the', { delay: 20 })
      await eventually(
        async () => (await agent.getByTestId('chat-typing').innerText()).includes('Visitor is typing'),
        'the console shows the visitor typing',
      )

      // The agent types: the widget shows it; the answer arrives.
      await agent.getByTestId('chat-reply').pressSequentially('Yes, ', { delay: 20 })
      await eventually(
        async () => (await visitor.locator('.ecrm-chat-typing').innerText()).includes('Agent is typing'),
        'the widget shows the agent typing',
      )
      await agent.getByTestId('chat-reply').pressSequentially('we have 12 left.')
      await agent.getByTestId('chat-send').click()
      const answer = visitor.locator('.ecrm-from-agent', { hasText: 'Yes, we have 12 left.' })
      await answer.waitFor()
      assert.equal((await visitor.locator('.ecrm-chat-typing').innerText()).trim(), '')
      // The console shows the answer once the server echoes it back, which may come after the widget's copy.
      await agent.getByTestId('chat-message-agent').filter({ hasText: 'Yes, we have 12 left.' }).waitFor()
      assert.equal(await agent.getByTestId('chat-message-agent').count(), 1)

      // The agent ends the chat; the widget says so and the console lets it go.
      await agent.getByTestId('chat-close').click()
      await visitor.locator('.ecrm-chat-note', { hasText: 'The chat has ended.' }).waitFor()
      await eventually(
        async () => (await agent.locator('[data-testid^="chat-conversation-"]').count()) === 0,
        'the console lets the ended conversation go',
      )
    })
  } finally {
    shop.server.close()
  }
})
