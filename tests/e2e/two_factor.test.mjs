// Two-factor sign-in in the web UI: a staff user sets it up on their Security page (the QR code
// and the secret as text, the app's first code, the recovery codes shown once), then signs in
// with the password and a code in the second step, and once with a recovery code in Chinese.
// The codes are computed here as an authenticator app would (RFC 6238, node's HMAC-SHA1).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { config, textOf, withBrowser } from './browser.mjs'
import { apiSession, runToken } from './api.mjs'

const PASSWORD = 'Two-factor-pass-1'

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  const out = []
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c)
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** The 6-digit code of `secret` (base32) for the 30-second step `stepsAhead` from now. */
function totp(secret, stepsAhead = 0) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + stepsAhead))
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest()
  const offset = mac[mac.length - 1] & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 1_000_000).padStart(6, '0')
}

async function passwordStep(page, baseUrl, email) {
  await page.goto(`${baseUrl}/login`)
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
}

test('a staff user sets up two-factor sign-in and signs in with a code, then a recovery code', { timeout: 120_000 }, async () => {
  const { baseUrl, email: adminEmail, password: adminPassword } = config()
  const admin = await apiSession(baseUrl, adminEmail, adminPassword)
  const email = `totp-${runToken()}@example.com`
  await admin.post('/users', { email, name: 'Two Factor', role: 'sales', password: PASSWORD }, 201)

  let secret = ''
  let recovery = []
  await withBrowser('two-factor-enrol', 'en', async (page) => {
    // Signed in with the password alone (nothing set up yet), the Security page offers it.
    await passwordStep(page, baseUrl, email)
    await page.waitForURL((url) => url.pathname === '/dashboard')
    await page.goto(`${baseUrl}/settings/security`)
    assert.equal(await textOf(page, 'page-title'), 'Security')
    await page.getByTestId('two-factor-off').waitFor()
    await page.getByTestId('two-factor-start').click()

    // The QR code carries the otpauth:// URI; the secret is shown as text too.
    const qr = page.getByTestId('two-factor-qr')
    await qr.waitFor()
    assert.match(await qr.getAttribute('src'), /^data:image\/png;base64,/)
    secret = await textOf(page, 'two-factor-secret')
    assert.match(secret, /^[A-Z2-7]{32}$/)
    const status = await page.request.get(`${baseUrl}/api/v1/auth/two-factor`)
    assert.deepEqual(await status.json(), { enabled: false, enrolment_started: true, required: false, recovery_codes_left: 0 })

    // A wrong code is refused under the field; the app's code turns it on.
    await page.getByTestId('two-factor-code').fill(totp(secret) === '000000' ? '111111' : '000000')
    await page.getByTestId('two-factor-confirm').click()
    await page.locator('.el-form-item__error').filter({ hasText: 'wrong' }).waitFor()
    await page.getByTestId('two-factor-code').fill(totp(secret))
    await page.getByTestId('two-factor-confirm').click()
    const codes = page.getByTestId('recovery-codes').locator('li')
    await page.getByTestId('two-factor-on').waitFor()
    recovery = (await codes.allInnerTexts()).map((c) => c.trim())
    assert.equal(recovery.length, 10)
    assert.ok(
      recovery.every((c) => /^[A-Z2-7]{5}-[A-Z2-7]{5}$/.test(c)),
      recovery.join(' '),
    )
    assert.equal(await textOf(page, 'recovery-left'), '10 recovery codes left')

    // A reload shows the codes no more.
    await page.reload()
    await page.getByTestId('two-factor-on').waitFor()
    assert.equal(await page.getByTestId('recovery-codes').count(), 0)
    await page.getByTestId('logout').click()
    await page.waitForURL((url) => url.pathname === '/login')
  })

  await withBrowser('two-factor-sign-in', 'en', async (page) => {
    // The password opens no session; the second step asks for the code.
    await passwordStep(page, baseUrl, email)
    await page.getByTestId('login-code-title').waitFor()
    assert.equal(await textOf(page, 'login-code-title'), 'Two-factor sign-in')
    assert.equal((await page.request.get(`${baseUrl}/api/v1/me`)).status(), 401)
    // The code that confirmed the enrolment was used; the next one signs in.
    await page.getByTestId('login-code').fill(totp(secret, 1))
    await page.getByTestId('login-code-submit').click()
    await page.waitForURL((url) => url.pathname === '/dashboard')
    assert.equal(await textOf(page, 'current-user-email'), email)
    const status = await page.request.get(`${baseUrl}/api/v1/auth/two-factor`)
    assert.equal((await status.json()).enabled, true)
  })

  await withBrowser('two-factor-recovery', 'zh-CN', async (page) => {
    await passwordStep(page, baseUrl, email)
    await page.getByTestId('login-code-title').waitFor()
    assert.equal(await textOf(page, 'login-code-title'), '两步验证登录')
    await page.getByTestId('login-code').fill(recovery[0])
    await page.getByTestId('login-code-submit').click()
    await page.waitForURL((url) => url.pathname === '/dashboard')
    const status = await page.request.get(`${baseUrl}/api/v1/auth/two-factor`)
    assert.equal((await status.json()).recovery_codes_left, 9)
  })
})

test('the admin requires two-factor sign-in for a role; its users set it up before anything else', { timeout: 120_000 }, async () => {
  const { baseUrl, email: adminEmail, password: adminPassword } = config()
  const admin = await apiSession(baseUrl, adminEmail, adminPassword)
  const email = `totp-service-${runToken()}@example.com`
  const created = await admin.post('/users', { email, name: 'Service Two Factor', role: 'service', password: PASSWORD }, 201)
  try {
    await withBrowser('two-factor-role-admin', 'en', async (page) => {
      await page.goto(`${baseUrl}/login`)
      await page.getByTestId('login-email').fill(adminEmail)
      await page.getByTestId('login-password').fill(adminPassword)
      await page.getByTestId('login-submit').click()
      await page.waitForURL((url) => url.pathname === '/dashboard')
      await page.goto(`${baseUrl}/settings/users`)
      const card = page.getByTestId('two-factor-roles')
      await card.getByText('Service', { exact: true }).click()
      const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/two-factor/roles') && r.request().method() === 'PUT')
      await page.getByTestId('two-factor-roles-save').click()
      assert.equal((await saved).status(), 200)
    })
    assert.deepEqual((await admin.get('/auth/two-factor/roles')).roles, ['service'])

    await withBrowser('two-factor-role-user', 'en', async (page) => {
      // Signed in, the user is kept on the Security page until they set it up.
      await passwordStep(page, baseUrl, email)
      await page.waitForURL((url) => url.pathname === '/settings/security')
      await page.getByTestId('two-factor-required').waitFor()
      const refused = await page.request.get(`${baseUrl}/api/v1/customers`)
      assert.equal(refused.status(), 403)
      assert.equal((await refused.json()).error.code, 'two_factor_enrolment_required')
      await page.goto(`${baseUrl}/customers`)
      await page.waitForURL((url) => url.pathname === '/settings/security')

      await page.getByTestId('two-factor-start').click()
      const secret = await textOf(page, 'two-factor-secret')
      await page.getByTestId('two-factor-code').fill(totp(secret))
      await page.getByTestId('two-factor-confirm').click()
      await page.getByTestId('two-factor-on').waitFor()
      await page.getByTestId('two-factor-required').waitFor({ state: 'detached' })
      // The same session now reaches the rest of the app.
      assert.equal((await page.request.get(`${baseUrl}/api/v1/customers`)).status(), 200)
      await page.goto(`${baseUrl}/customers`)
      await page.waitForURL((url) => url.pathname === '/customers')
    })

    // A lost phone: the admin resets the user's two-factor sign-in on the users page.
    await withBrowser('two-factor-reset', 'en', async (page) => {
      await page.goto(`${baseUrl}/login`)
      await page.getByTestId('login-email').fill(adminEmail)
      await page.getByTestId('login-password').fill(adminPassword)
      await page.getByTestId('login-submit').click()
      await page.waitForURL((url) => url.pathname === '/dashboard')
      await page.goto(`${baseUrl}/settings/users`)
      await page.getByTestId(`user-reset-two-factor-${created.user.id}`).click()
      const reset = page.waitForResponse((r) => r.url().endsWith(`/api/v1/users/${created.user.id}/two-factor`))
      await page.locator('.el-message-box').getByRole('button', { name: 'Reset two-factor' }).click()
      assert.equal((await reset).status(), 204)
    })
    const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    })
    const answer = await login.json()
    assert.equal(answer.two_factor_required, false, 'the password alone signs in again')
    assert.equal(answer.two_factor_enrolment_required, true, 'and the role asks for the enrolment again')
  } finally {
    await admin.put('/auth/two-factor/roles', { roles: [] }, 200)
  }
})
