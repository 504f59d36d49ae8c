// Signing in and out of the web UI, in English and Chinese, against a running ecrm server.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, textOf, withBrowser } from './browser.mjs'

// What each locale must show. Written out here, not taken from the UI's sources, so a
// missing or wrong translation fails the test.
const TEXT = {
  en: {
    loginTitle: 'Sign in',
    dashboardTitle: "The shop's day",
    systemTitle: 'System status',
    apiKeysTitle: 'API keys',
    logout: 'Log out',
    tooManyAttempts: 'Too many attempts',
    other: 'zh-CN',
  },
  'zh-CN': {
    loginTitle: '登录',
    dashboardTitle: '今日店况',
    systemTitle: '系统状态',
    apiKeysTitle: 'API 密钥',
    logout: '退出登录',
    tooManyAttempts: '尝试次数过多',
    other: 'en',
  },
}

const DATABASE_NAMES = { sqlite: 'SQLite', postgresql: 'PostgreSQL' }

function pathOf(page) {
  return new URL(page.url()).pathname
}

async function signIn(page, email, password) {
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
}

async function openSettingsPage(page, item) {
  const entry = page.getByTestId(`nav-${item}`)
  if (!(await entry.isVisible())) {
    await page.getByTestId('nav-settings').locator('.el-sub-menu__title').click()
  }
  await entry.click()
}

for (const locale of ['en', 'zh-CN']) {
  const text = TEXT[locale]
  const other = TEXT[text.other]

  test(`${locale}: sign in, see the shop's day, the system status, create an API key, switch language, sign out`, { timeout: 90_000 }, async () => {
    const { baseUrl, email, password } = config()
    await withBrowser('sign-in-flow', locale, async (page) => {
      // Not signed in: the app sends us to the login page, in the browser's language.
      await page.goto(`${baseUrl}/`)
      await page.waitForURL((url) => url.pathname === '/login')
      assert.equal(await textOf(page, 'login-title'), text.loginTitle)

      await signIn(page, email, password)
      await page.waitForURL((url) => url.pathname === '/dashboard')
      assert.equal(await textOf(page, 'dashboard-title'), text.dashboardTitle)
      assert.equal(await textOf(page, 'current-user-email'), email)

      // The home page is the shop's day (an admin sees every section); the server's own status is
      // under Settings, its cards showing what the server reports about itself.
      await page.getByTestId('home-sales').waitFor()
      await page.getByTestId('home-messages').waitFor()
      await openSettingsPage(page, 'system')
      await page.waitForURL((url) => url.pathname === '/settings/system')
      assert.equal(await textOf(page, 'page-title'), text.systemTitle)
      const infoResponse = await page.request.get(`${baseUrl}/api/v1/system/info`)
      assert.equal(infoResponse.status(), 200)
      const info = await infoResponse.json()
      const databaseName = DATABASE_NAMES[info.database] ?? info.database
      await page.getByTestId('info-database-value').waitFor()
      assert.equal(await textOf(page, 'info-database-value'), databaseName)
      assert.equal(await textOf(page, 'info-version-value'), info.version)
      if (Object.keys(info.requests_by_status ?? {}).length > 0) {
        await page.getByTestId('requests-chart').locator('canvas').waitFor()
      }

      // Settings → API keys: create a key; it is shown once.
      await openSettingsPage(page, 'apiKeys')
      await page.waitForURL((url) => url.pathname === '/settings/api-keys')
      assert.equal(await textOf(page, 'page-title'), text.apiKeysTitle)

      const keyName = `e2e ${locale} ${Date.now()}`
      await page.getByTestId('api-key-create').click()
      const dialog = page.getByTestId('api-key-create-dialog')
      await dialog.getByTestId('api-key-name').fill(keyName)
      await dialog.getByTestId('api-key-scopes').click()
      const firstScope = page.locator('.el-select-dropdown__item:visible').first()
      await firstScope.waitFor()
      const scope = (await firstScope.locator('.mono').innerText()).trim()
      await firstScope.click()
      // Close the option list without closing the dialog.
      await dialog.locator('.el-dialog__title').click()
      await dialog.getByTestId('api-key-create-submit').click()

      const secretInput = page.getByTestId('api-key-secret')
      await secretInput.waitFor()
      const secret = await secretInput.inputValue()
      assert.match(secret, /^ek_[\w-]{16,}$/, 'the new key is shown in full')

      // The key works for the API, with the scope that was chosen.
      const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } })
      assert.equal(me.status, 200)
      const meBody = await me.json()
      assert.equal(meBody.auth, 'api_key')
      assert.deepEqual(meBody.scopes, [scope])

      await page.getByTestId('api-key-created-close').click()
      await page.getByTestId('api-key-created-dialog').waitFor({ state: 'hidden' })
      const row = page.getByTestId('api-keys-table').locator('tr', { hasText: keyName })
      await row.waitFor()
      assert.ok(!(await page.content()).includes(secret), 'the full key is not shown again')

      // Switching the language changes the page's text and is remembered.
      await page.getByTestId('lang-switch').click()
      await page.getByTestId(`lang-option-${text.other}`).click()
      await page.getByTestId('page-title').filter({ hasText: other.apiKeysTitle }).waitFor()
      assert.equal(await textOf(page, 'page-title'), other.apiKeysTitle)
      assert.equal(await textOf(page, 'logout'), other.logout)
      assert.equal(await page.evaluate(() => localStorage.getItem('ecrm.locale')), text.other)

      // Signing out ends the session on the server and shows the login page (in the chosen language).
      await page.getByTestId('logout').click()
      await page.waitForURL((url) => url.pathname === '/login')
      assert.equal(await textOf(page, 'login-title'), other.loginTitle)
      const after = await page.request.get(`${baseUrl}/api/v1/me`)
      assert.equal(after.status(), 401)
    })
  })
}

test('a page opened without a session returns there after signing in', { timeout: 60_000 }, async () => {
  const { baseUrl, email, password } = config()
  await withBrowser('redirect-back', 'en', async (page) => {
    await page.goto(`${baseUrl}/`)
    await page.waitForURL((url) => url.pathname === '/login')
    // Navigate inside the app (no full page load, so no server-side route is needed).
    await page.evaluate(() => {
      history.pushState({}, '', '/settings/audit')
      dispatchEvent(new PopStateEvent('popstate'))
    })
    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('redirect') === '/settings/audit')
    const auditResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/audit')
    await signIn(page, email, password)
    await page.waitForURL((url) => url.pathname === '/settings/audit')
    assert.equal(await textOf(page, 'page-title'), 'Audit log')
    const audit = await auditResponse
    assert.equal(audit.status(), 200)
    const { items } = await audit.json()
    const rows = page.getByTestId('audit-table').locator('.el-table__row')
    await eventually(async () => (await rows.count()) === items.length, `the table shows the ${items.length} entries the server sent`)
  })
})

test('a wrong password shows the server’s error message', { timeout: 60_000 }, async () => {
  const { baseUrl, email } = config()
  await withBrowser('wrong-password', 'en', async (page) => {
    await page.goto(`${baseUrl}/login`)
    await page.getByTestId('login-title').waitFor()
    const responsePromise = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'))
    await signIn(page, email, 'definitely-not-the-password')
    const response = await responsePromise
    assert.equal(response.status(), 401)
    const body = await response.json()
    assert.equal(body.error.code, 'invalid_credentials')
    assert.ok(body.error.message, 'the server explains the refusal')

    const error = page.getByTestId('login-error')
    await error.waitFor()
    assert.equal((await error.innerText()).trim(), body.error.message)
    assert.equal(pathOf(page), '/login')
    assert.equal(await page.getByTestId('login-password').inputValue(), '', 'the password is cleared')
  })
})

test('a rate-limited sign-in says there were too many attempts', { timeout: 60_000 }, async () => {
  const { baseUrl, email } = config()
  for (const locale of ['en', 'zh-CN']) {
    await withBrowser('rate-limited', locale, async (page) => {
      // Answer the sign-in the way the server does after repeated failures, without
      // making the real account wait.
      await page.route('**/api/v1/auth/login', (route) =>
        route.fulfill({
          status: 429,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'rate_limited', message: 'rate limited' } }),
        }),
      )
      await page.goto(`${baseUrl}/login`)
      await signIn(page, email, 'whatever-password')
      const error = page.getByTestId('login-error')
      await error.waitFor()
      assert.ok((await error.innerText()).includes(TEXT[locale].tooManyAttempts))
      assert.equal(pathOf(page), '/login')
    })
  }
})
