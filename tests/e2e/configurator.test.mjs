// Build to order against a running ecrm server: staff make a product of this run and give it
// option groups (CPU, memory), options and a `requires` rule through the API. On the product
// page the preview prices the default configuration as the API's configurator does; choosing
// the 64 GB memory with the i5 shows the configuration invalid with the broken rule; the i9
// makes it valid again at the price the API answers. In the editor staff change the i9's price
// delta and save; the API has the new delta and the preview the new price. In English and in
// Chinese.
//
//   ECRM_BASE_URL=http://127.0.0.1:18080 ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/configurator.test.mjs

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { config, eventually, textOf, withBrowser } from './browser.mjs'
import { apiSession, runToken, signInPage } from './api.mjs'

const TEXTS = {
  en: {
    valid: 'Valid configuration',
    invalid: 'Not valid',
    requires: 'requires one of',
  },
  'zh-CN': { valid: '配置有效', invalid: '配置无效', requires: '需要' },
}

function money(locale, minor, currency) {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100)
}

for (const locale of ['en', 'zh-CN']) {
  test(`configurator preview and editor (${locale})`, async () => {
    const { baseUrl, email, password } = config()
    const api = await apiSession(baseUrl, email, password)
    const token = runToken()
    const product = await api.post('/products', {
      sku: `BTO-${token}`,
      name: `Workstation ${token}`,
      price: 100000,
      currency: 'EUR',
    })
    const sku = (s) => `BTO-${token}-${s}`
    const stored = await api.put(`/products/${product.id}/configuration`, {
      groups: [
        {
          key: 'cpu',
          name: 'CPU',
          name_zh: '处理器',
          required: true,
          options: [
            {
              sku: sku('I5'),
              name: 'Core i5',
              price_delta: 0,
              stock_on_hand: 5,
            },
            {
              sku: sku('I9'),
              name: 'Core i9',
              price_delta: 20000,
              stock_on_hand: 5,
            },
          ],
        },
        {
          key: 'memory',
          name: 'Memory',
          name_zh: '内存',
          required: true,
          options: [
            { sku: sku('16'), name: '16 GB', price_delta: 0, stock_on_hand: 5 },
            {
              sku: sku('64'),
              name: '64 GB',
              price_delta: 15000,
              stock_on_hand: 5,
            },
          ],
        },
      ],
      rules: [{ kind: 'requires', option: sku('64'), targets: [sku('I9')] }],
    })
    const id = Object.fromEntries(stored.groups.flatMap((g) => g.options.map((o) => [o.sku, o.id])))
    const texts = TEXTS[locale]

    await withBrowser('configurator', locale, async (page) => {
      await signInPage(page, baseUrl, email, password)
      await page.goto(`${baseUrl}/catalog/products/${product.id}`)
      await eventually(async () => (await page.getByTestId('preview-unit-price').count()) > 0, 'the preview is priced')

      // The default: the first option of each required group.
      const first = await api.post(`/products/${product.id}/configure`, {
        options: [id[sku('I5')], id[sku('16')]],
      })
      await eventually(
        async () => (await textOf(page, 'preview-unit-price')) === money(locale, first.unit_price, 'EUR'),
        'the default price',
      )
      assert.equal(await textOf(page, 'preview-valid'), texts.valid)

      // 64 GB with the i5 breaks the rule.
      await page.getByTestId(`preview-option-${sku('64')}`).click()
      await eventually(async () => (await textOf(page, 'preview-valid')) === texts.invalid, 'the configuration is invalid')
      const problems = await page.getByTestId('preview-problems').innerText()
      assert.match(problems, /64 GB/)
      assert.ok(problems.includes(texts.requires), problems)
      assert.equal(await page.locator('[data-testid="preview-problems"] li[data-code="requires_unmet"]').count(), 1)

      // The i9 makes it valid, at the API's price.
      await page.getByTestId(`preview-option-${sku('I9')}`).click()
      const full = await api.post(`/products/${product.id}/configure`, {
        options: [id[sku('I9')], id[sku('64')]],
      })
      assert.equal(full.valid, true)
      await eventually(async () => (await textOf(page, 'preview-valid')) === texts.valid, 'valid again')
      await eventually(async () => (await textOf(page, 'preview-unit-price')) === money(locale, full.unit_price, 'EUR'), 'the full price')

      // The editor: a new delta for the i9 (entered in major units), saved and priced.
      await page.getByTestId('configuration-edit').click()
      const delta = page.getByTestId('edit-option-0-1-delta').locator('input')
      await delta.fill('250')
      await delta.press('Tab')
      await page.getByTestId('configuration-save').click()
      await eventually(async () => {
        const now = await api.get(`/products/${product.id}/configuration`)
        return now.groups[0].options[1].price_delta === 25000
      }, 'the new delta is stored')
      // Saving starts the preview again from the defaults; the i9 is priced with its new delta.
      await eventually(
        async () => (await textOf(page, 'preview-unit-price')) === money(locale, first.unit_price, 'EUR'),
        'the preview starts again',
      )
      await page.getByTestId(`preview-option-${sku('I9')}`).click()
      const repriced = await api.post(`/products/${product.id}/configure`, {
        options: [id[sku('I9')], id[sku('16')]],
      })
      assert.equal(repriced.unit_price, 100000 + 25000)
      await eventually(
        async () => (await textOf(page, 'preview-unit-price')) === money(locale, repriced.unit_price, 'EUR'),
        'the preview after saving',
      )
    })
  })
}
