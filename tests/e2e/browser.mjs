// Shared set-up for the browser tests: configuration from the environment, a fresh
// Chromium profile per test, and a screenshot plus the browser's console when a test fails.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

function required(name) {
  const value = process.env[name]
  if (!value) {
    throw new Error(
      `${name} is not set. The browser tests need a running ecrm server: set ECRM_BASE_URL, ` +
        'ECRM_E2E_EMAIL and ECRM_E2E_PASSWORD (an admin account on that server).',
    )
  }
  return value
}

/** Server and account under test, read once from the environment. */
export function config() {
  return {
    baseUrl: required('ECRM_BASE_URL').replace(/\/+$/, ''),
    email: required('ECRM_E2E_EMAIL'),
    password: required('ECRM_E2E_PASSWORD'),
    chromium: process.env.ECRM_CHROMIUM || '/usr/bin/chromium',
  }
}

let screenshotDir = null
function screenshotPath(name) {
  screenshotDir ??= mkdtempSync(join(tmpdir(), 'ecrm-e2e-'))
  return join(screenshotDir, `${name.replace(/[^\w.-]+/g, '_')}.png`)
}

/**
 * Runs `body(page)` in a new Chromium with an empty profile and the given locale (which
 * also sets navigator.language). On failure it saves a screenshot, prints its path and the
 * browser's console output, and rethrows.
 */
export async function withBrowser(name, locale, body) {
  const { chromium: executablePath } = config()
  const profile = mkdtempSync(join(tmpdir(), 'ecrm-e2e-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    locale,
    viewport: { width: 1366, height: 850 },
  })
  const consoleLines = []
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    page.setDefaultTimeout(15_000)
    // The server's Content-Security-Policy blocks inline scripts and foreign sources: anything
    // it blocks is a bug of the page (or of the policy), so it fails the test.
    const cspViolations = []
    page.on('console', (msg) => {
      consoleLines.push(`[${msg.type()}] ${msg.text()}`)
      if (msg.text().includes('Content Security Policy')) cspViolations.push(msg.text())
    })
    page.on('pageerror', (err) => consoleLines.push(`[pageerror] ${err.message}`))
    try {
      await body(page)
      if (cspViolations.length > 0) {
        throw new Error(`the Content-Security-Policy blocked:\n  ${cspViolations.join('\n  ')}`)
      }
    } catch (error) {
      const file = screenshotPath(`${name}-${locale}`)
      try {
        await page.screenshot({ path: file, fullPage: true })
        console.error(`screenshot of the failed test "${name}" (${locale}): ${file}`)
        if (error instanceof Error) error.message += `\n  screenshot: ${file}`
      } catch (shotError) {
        console.error(`could not take a screenshot: ${shotError}`)
      }
      if (consoleLines.length > 0) console.error(`browser console:\n  ${consoleLines.join('\n  ')}`)
      throw error
    }
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

/** The text of the element with the given data-testid, trimmed. */
export async function textOf(page, testId) {
  return (await page.getByTestId(testId).first().innerText()).trim()
}

/** Polls `probe` until it returns true; fails with `message` after `timeoutMs`. */
export async function eventually(probe, message, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await probe()) return
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * Clicks the side menu's entry `testId` until the page's path is `path`. A sub-menu that opens as
 * the route changes slides its entries while it grows, and a click in that moment can land beside
 * the entry; each try waits 5 s for the path, three tries.
 */
export async function openFromMenu(page, testId, path) {
  for (let attempt = 1; ; ++attempt) {
    await page.getByTestId(testId).click()
    try {
      await page.waitForURL((url) => url.pathname === path, { timeout: 5_000 })
      return
    } catch (error) {
      if (attempt === 3) throw error
    }
  }
}

/**
 * Saves a full-page screenshot as `<ECRM_E2E_SCREENSHOT_DIR>/<name>.png` when that variable is
 * set (to look at the pages after a run); does nothing otherwise.
 */
export async function snapshot(page, name) {
  const dir = process.env.ECRM_E2E_SCREENSHOT_DIR
  if (!dir) return
  mkdirSync(dir, { recursive: true })
  // The layout scrolls inside its main area, not the page: grow the window to show it all.
  const size = page.viewportSize()
  const height = await page.evaluate(() => {
    const main = document.querySelector('.el-main')
    return main ? main.scrollHeight + main.getBoundingClientRect().top : document.body.scrollHeight
  })
  if (size && height > size.height) await page.setViewportSize({ width: size.width, height: Math.min(height, 6000) })
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`), fullPage: true })
  if (size) await page.setViewportSize(size)
}
