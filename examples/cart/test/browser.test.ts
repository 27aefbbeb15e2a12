import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The shop in a real browser: Debian's Chromium (`apt-get install chromium`, or CHROMIUM_PATH)
 * driven by playwright-core. Without Chromium the test is skipped with a reason, unless
 * TINA4_TEST_REQUIRE lists `chromium` (as `.ci/run` does), in which case it fails.
 */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const REQUIRED = (process.env.TINA4_TEST_REQUIRE ?? '')
  .split(',')
  .map((name) => name.trim())
  .includes('chromium');
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

const missing = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (missing && REQUIRED)
  throw new Error(
    `The browser test is required (TINA4_TEST_REQUIRE includes chromium), but there is ${missing}.`,
  );
if (missing) console.log(`Skipping the browser test: ${missing}.`);

(missing ? describe.skip : describe)('the shop in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp();
    // launch() gives every run a fresh, temporary profile (user-data-dir).
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await mkdir(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Fills the quantity of a product card and presses its Add button. */
  async function addToCart(productName: string, quantity: number): Promise<void> {
    const card = page.locator('.product-card', { hasText: productName });
    await card.getByLabel(`Quantity of ${productName}`).fill(String(quantity));
    await Promise.all([page.waitForURL(/\/cart$/), card.getByRole('button', { name: 'Add' }).click()]);
  }

  it('adds two products through the forms, shows the flash once, and totals them', async () => {
    await page.goto(`${app.url}/cart`);
    await expect(page.getByText('Your cart is empty.').isVisible()).resolves.toBe(true);

    await addToCart('Wireless Keyboard', 2);
    expect(await page.locator('.alert').textContent()).toContain('Added Wireless Keyboard to cart');

    await addToCart('Monitor Stand', 1);
    expect((await page.locator('.alert').textContent())?.trim()).toBe('Added Monitor Stand to cart');
    expect(await page.getByTestId('grand-total').textContent()).toBe('$289.97');
    expect(await page.getByTestId('item-count').textContent()).toBe('3');
    expect(await page.getByTestId('cart-count').textContent()).toBe('3');
    expect(await page.locator('.cart-line[data-product-id="1"] .line-total').textContent()).toBe('$159.98');
    await page.screenshot({ path: `${ARTIFACTS}cart.png`, fullPage: true });

    await page.reload();
    expect(await page.locator('.alert').count()).toBe(0);
    expect(await page.getByTestId('grand-total').textContent()).toBe('$289.97');
  }, 60_000);

  it('updates and removes lines', async () => {
    const keyboard = page.locator('.cart-line[data-product-id="1"]');
    await keyboard.getByLabel('Quantity of Wireless Keyboard').fill('3');
    await Promise.all([page.waitForURL(/\/cart$/), keyboard.getByRole('button', { name: 'Update' }).click()]);
    expect((await page.locator('.alert').textContent())?.trim()).toBe(
      'Updated Wireless Keyboard quantity to 3',
    );
    expect(await page.getByTestId('grand-total').textContent()).toBe('$369.96');

    const stand = page.locator('.cart-line[data-product-id="3"]');
    await Promise.all([page.waitForURL(/\/cart$/), stand.getByRole('button', { name: 'Remove' }).click()]);
    expect(await page.getByTestId('grand-total').textContent()).toBe('$239.97');
  }, 60_000);

  it('logs in and out', async () => {
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/login$/);
    await page.screenshot({ path: `${ARTIFACTS}login.png` });
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill('tina4-demo');
    await page.getByLabel('Remember me for 30 days').check();
    await Promise.all([page.waitForURL(/\/dashboard$/), page.getByRole('button', { name: 'Login' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello, Alice');
    expect(await page.getByText('$239.97').count()).toBeGreaterThan(0); // the cart survived the login
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png` });

    await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'Log out' }).click()]);
    expect((await page.locator('.alert').textContent())?.trim()).toBe('You have been logged out');
    const cookies = await page.context().cookies();
    expect(cookies.map((cookie) => cookie.name)).not.toContain('remember_token');

    await page.goto(`${app.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/login');
  }, 60_000);
});
