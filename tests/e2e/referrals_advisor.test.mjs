// Referrals and the self-service advisor in the browser, against a running ecrm server:
// - staff open a questionnaire (made through the API) in the advisor editor, rename an answer
//   option and save (the API then has version 2 with the new label), and preview the advice for
//   chosen answers: the products and their reasons are those the API's preview gives, the reason
//   naming the renamed option and the budget;
// - a customer referred through another's code (attributed through the API) shows on the 360°
//   page who referred them and their advisor answers; the referrer's page shows their code and
//   the customer they referred; the referrals page shows the server's settings;
// - on the server with the test SMTP server (ECRM_MAIL_URL, ECRM_SMTP_OUT; skipped without),
//   a customer signed in with the mailed link takes the advisor in the portal and reads the
//   advice with its reason, and finds their referral link.
//
//   ECRM_BASE_URL=… ECRM_E2E_EMAIL=… ECRM_E2E_PASSWORD=… node --test tests/e2e/referrals_advisor.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import { apiSession, runToken, signInPage } from "./api.mjs";
import { config, eventually, textOf, withBrowser } from "./browser.mjs";
import { mailedLink, mailUrl, smtpOut } from "./mail.mjs";

function inputOf(page, testId) {
  return page
    .locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`)
    .first();
}

// A category with two cameras and a tripod, and a questionnaire over them: "use" (travel scores
// the cameras' category +3 and the travel camera +2; studio scores the tripod +4) and "budget"
// (low: up to 700.00; high: from 700.00).
async function makeAdvisor(api, run) {
  const category = await api.post(
    "/categories",
    { name: `Cameras ${run}`, slug: `cameras-${run}` },
    201,
  );
  const product = (sku, name, price, categoryId) =>
    api.post(
      "/products",
      {
        sku,
        name,
        price,
        currency: "EUR",
        stock_on_hand: 5,
        ...(categoryId ? { category_id: categoryId } : {}),
      },
      201,
    );
  const travel = await product(
    `TRV-${run}`,
    `Travel camera ${run}`,
    60000,
    category.id,
  );
  const starter = await product(
    `STR-${run}`,
    `Starter camera ${run}`,
    30000,
    category.id,
  );
  const tripod = await product(`TRI-${run}`, `Tripod ${run}`, 5000, null);
  const questionnaire = await api.post(
    "/advisor",
    {
      name: `Camera advisor ${run}`,
      currency: "EUR",
      questions: [
        {
          key: "use",
          text: "What will you use it for?",
          text_zh: "您主要用它做什么？",
          options: [
            {
              key: "travel",
              label: "Travel",
              label_zh: "旅行",
              categories: [{ category_id: category.id, score: 3 }],
              products: [{ product_id: travel.id, score: 2 }],
            },
            {
              key: "studio",
              label: "Studio",
              label_zh: "影棚",
              products: [{ product_id: tripod.id, score: 4 }],
            },
          ],
        },
        {
          key: "budget",
          text: "What is your budget?",
          text_zh: "您的预算是多少？",
          options: [
            { key: "low", label: "Up to 700 EUR", price_max: 70000 },
            { key: "high", label: "Over 700 EUR", price_min: 70000 },
          ],
        },
      ],
    },
    201,
  );
  return { questionnaire, travel, starter, tripod };
}

test(
  "en: staff rename an option in the advisor editor and preview the advice with its reason",
  { timeout: 120_000 },
  async () => {
    const { baseUrl, email, password } = config();
    const api = await apiSession(baseUrl, email, password);
    const run = runToken();
    const { questionnaire, travel, starter } = await makeAdvisor(api, run);

    await withBrowser("advisor-editor", "en", async (page) => {
      await signInPage(page, baseUrl, email, password);
      await page.goto(`${baseUrl}/advisor`);
      await page.getByTestId(`advisor-open-${questionnaire.id}`).click();
      await page.waitForURL(
        (url) => url.pathname === `/advisor/${questionnaire.id}`,
      );
      assert.match(await textOf(page, "advisor-version"), /1/);

      const label = inputOf(page, "advisor-question-0-option-0-label");
      await label.waitFor();
      assert.equal(await label.inputValue(), "Travel");
      await label.fill(`Trips ${run}`);
      await page.getByTestId("advisor-save").click();
      await eventually(
        async () => (await textOf(page, "advisor-version")).includes("2"),
        "the editor shows version 2",
      );
      const stored = await api.get(`/advisor/${questionnaire.id}`);
      assert.equal(stored.version, 2);
      assert.equal(stored.questions[0].options[0].label, `Trips ${run}`);
      assert.equal(
        stored.questions[0].options[0].categories.length,
        1,
        "the scores are kept",
      );
      assert.equal(
        stored.questions[1].options[0].price_max,
        70000,
        "the price range is kept",
      );

      // The preview: travel on a budget up to 700.00.
      await page.getByTestId("advisor-preview-use-travel").click();
      await page.getByTestId("advisor-preview-budget-low").click();
      await page.getByTestId("advisor-preview-run").click();
      await page.getByTestId("advisor-preview-reason").first().waitFor();
      const expected = await api.post(`/advisor/${questionnaire.id}/preview`, {
        answers: [
          { question: "use", options: ["travel"] },
          { question: "budget", options: ["low"] },
        ],
        language: "en",
        limit: 10,
      });
      assert.deepEqual(
        expected.products.map((p) => p.product_id),
        [travel.id, starter.id],
      );
      const names = await page
        .getByTestId("advisor-preview-product")
        .locator("strong")
        .allInnerTexts();
      assert.deepEqual(
        names.map((n) => n.trim()),
        expected.products.map((p) => p.name),
      );
      const reasons = await page
        .getByTestId("advisor-preview-reason")
        .allInnerTexts();
      assert.deepEqual(
        reasons.map((r) => r.trim()),
        expected.products.map((p) => p.reason),
      );
      assert.match(reasons[0], new RegExp(`Trips ${run}`));
      assert.match(reasons[0], /700\.00 EUR/);
      // Nothing was stored by the previews.
      const report = await api.get(`/advisor/${questionnaire.id}/report`);
      assert.equal(report.submissions, 0);
    });
  },
);

test(
  "en: the 360° page shows who referred a customer, whom the referrer referred, and advisor answers",
  { timeout: 120_000 },
  async () => {
    const { baseUrl, email, password } = config();
    const api = await apiSession(baseUrl, email, password);
    const run = runToken();
    const referrer = await api.post(
      "/customers",
      { name: `Rita Referrer ${run}`, email: `rita-${run}@example.com` },
      201,
    );
    const friend = await api.post(
      "/customers",
      { name: `Fred Friend ${run}`, email: `fred-${run}@example.com` },
      201,
    );
    const code = (await api.get(`/customers/${referrer.id}/referral`)).code;
    await api.post(
      "/referrals/attributions",
      { customer_id: friend.id, code },
      201,
    );
    const { questionnaire } = await makeAdvisor(api, run);
    await api.post(
      `/advisor/${questionnaire.id}/answers`,
      {
        customer_id: friend.id,
        answers: [
          { question: "use", options: ["studio"] },
          { question: "budget", options: ["low"] },
        ],
      },
      201,
    );

    await withBrowser("referrals-c360", "en", async (page) => {
      await signInPage(page, baseUrl, email, password);
      await page.goto(`${baseUrl}/customers/${friend.id}`);
      await page.getByTestId("c360-referred-by").waitFor();
      await eventually(
        async () =>
          (await textOf(page, "c360-referred-by")) === `Rita Referrer ${run}`,
        "the referrer is named",
      );
      const answers = page.getByTestId("c360-advisor-answers").first();
      await answers.waitFor();
      const text = await answers.innerText();
      assert.match(text, new RegExp(`Camera advisor ${run}`));
      assert.match(text, /What will you use it for\?\s*Studio/);
      assert.match(text, /Tripod/);

      await page.goto(`${baseUrl}/customers/${referrer.id}`);
      await page.getByTestId("c360-referral-code").waitFor();
      assert.equal(await textOf(page, "c360-referral-code"), code);
      assert.match(
        await textOf(page, "c360-referral-link"),
        new RegExp(`\\?ref=${code}$`),
      );
      assert.match(
        await textOf(page, "c360-referred"),
        new RegExp(`Fred Friend ${run}`),
      );
      assert.match(await textOf(page, "c360-referred-by"), /Nobody/);

      // The referrals page: the server's settings.
      const settings = await api.get("/referrals/settings");
      await page.goto(`${baseUrl}/referrals`);
      await page.getByTestId("referrals-settings").waitFor();
      assert.match(
        await textOf(page, "referrals-settings"),
        new RegExp(`${settings.attribution_window_days} days`),
      );
    });
  },
);

test(
  "en: a customer takes the advisor in the portal and reads the advice with its reason",
  { skip: !mailUrl || !smtpOut, timeout: 120_000 },
  async () => {
    const { email, password } = config();
    const api = await apiSession(mailUrl, email, password);
    const run = runToken();
    const address = `advice-${run}@example.com`;
    const customer = await api.post(
      "/customers",
      { name: `Ada Advice ${run}`, email: address, language: "en" },
      201,
    );
    const { questionnaire, tripod } = await makeAdvisor(api, run);
    await api.post("/portal/sign-in", { email: address }, 202);
    const link = await mailedLink(address, 1);

    await withBrowser("portal-advisor", "en", async (page) => {
      await page.goto(`${mailUrl}${link}`);
      await page.waitForURL(/\/portal\/orders$/);
      await page.goto(`${mailUrl}/portal/advisor`);
      await page.getByTestId("portal-advisor-form").waitFor();
      const chooser = page.getByTestId("portal-advisor-choose");
      if ((await chooser.count()) > 0) {
        await chooser.click();
        await page
          .locator(".el-select-dropdown__item", {
            hasText: `Camera advisor ${run}`,
          })
          .click();
      }
      await eventually(
        async () =>
          (await page.getByTestId("portal-advisor-form").innerText()).includes(
            `Camera advisor ${run}`,
          ),
        "the questionnaire is shown",
      );
      // A required question left out is asked for before anything is sent.
      await page.getByTestId("portal-advisor-use-studio").click();
      await page.getByTestId("portal-advisor-submit").click();
      await page.getByTestId("portal-advisor-error").waitFor();
      assert.match(
        await textOf(page, "portal-advisor-error"),
        /What is your budget\?/,
      );
      await page.getByTestId("portal-advisor-budget-low").click();
      await page.getByTestId("portal-advisor-submit").click();
      await page.getByTestId("portal-advisor-reason").first().waitFor();
      const kept = await api.get(`/customers/${customer.id}/advisor`);
      assert.equal(
        kept.items.length,
        1,
        "the answers are kept on the customer",
      );
      assert.equal(kept.items[0].questionnaire_id, questionnaire.id);
      assert.equal(kept.items[0].products[0].product_id, tripod.id);
      assert.equal(
        await textOf(page, "portal-advisor-reason"),
        kept.items[0].products[0].reason,
      );
      assert.match(await textOf(page, "portal-advisor-reason"), /Studio/);

      await page.goto(`${mailUrl}/portal/referral`);
      await page.getByTestId("portal-referral-code").waitFor();
      const own = await api.get(`/customers/${customer.id}/referral`);
      assert.equal(await textOf(page, "portal-referral-code"), own.code);
    });
  },
);
