import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';
import { privateRedisMissing, startCartOnPrivateRedis } from './support/outage.js';
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
// The browser-side globals the page functions below use (this project compiles without the DOM lib).
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { scrollTo(x: number, y: number): void };
declare function getComputedStyle(element: unknown): { getPropertyValue(name: string): string };

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
/** A phone's browser, for the second device of the signed-in sessions test. */
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

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

  it('logs in from the shop, comes back to the shop, and logs out', async () => {
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL(/\/login\?next=%2Fcart$/);
    await page.screenshot({ path: `${ARTIFACTS}login.png` });
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill('tina4-demo');
    await page.getByLabel('Remember me for 30 days').check();
    // Back where the shopper was, not on the dashboard.
    await Promise.all([page.waitForURL(/\/cart$/), page.getByRole('button', { name: 'Login' }).click()]);
    expect((await page.locator('.alert').textContent())?.trim()).toBe('Welcome back, Alice!');
    expect(await page.getByTestId('grand-total').textContent()).toBe('$239.97'); // the cart survived the login

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL(/\/dashboard$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello, Alice');
    expect(await page.getByText('$239.97').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png` });

    await Promise.all([page.waitForURL(/\/login$/), page.getByRole('button', { name: 'Log out' }).click()]);
    expect((await page.locator('.alert').textContent())?.trim()).toBe('You have been logged out');
    const cookies = await page.context().cookies();
    expect(cookies.map((cookie) => cookie.name)).not.toContain('remember_token');

    await page.goto(`${app.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/login');
  }, 60_000);

  it('lists where the user is signed in, and signs out the other browser from the dashboard', async () => {
    const login = async (tab: Page): Promise<void> => {
      await tab.goto(`${app.url}/login`);
      await tab.getByLabel('Email').fill('alice@example.com');
      await tab.getByLabel('Password').fill('tina4-demo');
      await tab.getByLabel('Remember me for 30 days').check();
      await Promise.all([tab.waitForURL(/\/dashboard$/), tab.getByRole('button', { name: 'Login' }).click()]);
    };
    const laptop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      userAgent: IPHONE_SAFARI,
    });
    try {
      const mine = await laptop.newPage();
      const other = await phone.newPage();
      await login(other);
      await login(mine);

      const sessions = mine.getByTestId('signed-in-session');
      expect(await sessions.count()).toBe(2);
      const current = mine.locator('.session-current');
      expect(await current.locator('.session-device').textContent()).toBe('Chrome on Linux');
      expect(await current.locator('.session-tag').textContent()).toBe('This device');
      expect(await mine.locator('.session-item', { hasText: 'Safari on iOS' }).textContent()).toMatch(
        /Active now/,
      );
      await mine.screenshot({ path: `${ARTIFACTS}signed-in-sessions.png`, fullPage: true });

      await Promise.all([
        mine.waitForURL(/\/dashboard$/),
        mine.getByRole('button', { name: 'Sign out all other sessions' }).click(),
      ]);
      expect((await mine.locator('.alert').textContent())?.trim()).toBe('Signed out of 1 other session');
      expect(await sessions.count()).toBe(1);
      expect(await mine.getByText('You are signed in on this device only.').isVisible()).toBe(true);

      // The phone's session and its remember-me cookie no longer log it in.
      await other.goto(`${app.url}/dashboard`);
      expect(new URL(other.url()).pathname).toBe('/login');
      expect((await phone.cookies()).map((cookie) => cookie.name)).not.toContain('remember_token');
      await mine.reload();
      expect(new URL(mine.url()).pathname).toBe('/dashboard');
    } finally {
      await laptop.close();
      await phone.close();
    }
  }, 60_000);

  it('switches to the dark theme on the preferences page, linked from the header', async () => {
    await page.goto(`${app.url}/cart`);
    const lightBackground = await backgroundOf(page);
    await page.getByRole('link', { name: 'Preferences', exact: true }).click();
    await page.waitForURL(/\/preferences$/);
    await page.getByLabel('Dark').check();
    await Promise.all([
      page.waitForURL(/\/preferences\?saved=1$/),
      page.getByRole('button', { name: 'Save preferences' }).click(),
    ]);
    expect((await page.locator('.alert').textContent())?.trim()).toBe('Preferences saved');
    expect(await page.locator('body').getAttribute('class')).toBe('theme-dark');
    await page.screenshot({ path: `${ARTIFACTS}preferences.png`, fullPage: true });

    await page.goto(`${app.url}/cart`);
    await addToCart('USB-C Hub', 2);
    const darkBackground = await backgroundOf(page);
    expect(darkBackground).not.toBe(lightBackground);
    expect(luminance(darkBackground)).toBeLessThan(0.1);
    expect(luminance(await colourOf(page, '.product-card', 'background-color'))).toBeLessThan(0.1);
    expect(luminance(await colourOf(page, '.product-name', 'color'))).toBeGreaterThan(0.6);
    await page.screenshot({ path: `${ARTIFACTS}cart-dark.png`, fullPage: true });

    await page.goto(`${app.url}/preferences`);
    await Promise.all([
      page.waitForURL(/\/preferences\?saved=cleared$/),
      page.getByRole('button', { name: 'Clear preferences' }).click(),
    ]);
    expect(await page.locator('body').getAttribute('class')).toBe('theme-light');
  }, 60_000);

  it('shows the cart summary near the top on a phone, before the products', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const mobile = await phone.newPage();
      await mobile.goto(`${app.url}/cart`);
      const card = mobile.locator('.product-card', { hasText: 'Desk Lamp' });
      await card.getByLabel('Quantity of Desk Lamp').fill('2');
      await Promise.all([mobile.waitForURL(/\/cart$/), card.getByRole('button', { name: 'Add' }).click()]);
      await mobile.evaluate(() => window.scrollTo(0, 0));

      const summary = await mobile.getByTestId('cart-summary').boundingBox();
      const firstProduct = await mobile.locator('.product-card').first().boundingBox();
      expect(summary).not.toBeNull();
      expect(summary!.y + summary!.height).toBeLessThanOrEqual(844); // on the first screen
      expect(summary!.y).toBeLessThan(firstProduct!.y); // above the products, not below all five
      expect((await mobile.getByTestId('cart-summary').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
        '2 items · $79.98',
      );
      // Nothing wider than the screen.
      expect(await mobile.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await mobile.screenshot({ path: `${ARTIFACTS}cart-mobile.png` });
      await mobile.screenshot({ path: `${ARTIFACTS}cart-mobile-full.png`, fullPage: true });
    } finally {
      await phone.close();
    }
  }, 60_000);

  it('shows the "busy" page while the session store is down, and the cart again once it is back', async () => {
    if (privateRedisMissing()) return;
    const shop = await startCartOnPrivateRedis();
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await tab.goto(`${shop.app.url}/cart`);
      const card = tab.locator('.product-card', { hasText: 'Monitor Stand' });
      await card.getByLabel('Quantity of Monitor Stand').fill('1');
      await Promise.all([tab.waitForURL(/\/cart$/), card.getByRole('button', { name: 'Add' }).click()]);

      await shop.redis.stop();
      const response = await tab.goto(`${shop.app.url}/cart`);
      expect(response?.status()).toBe(503);
      expect(response?.headers()['retry-after']).toBe('1');
      expect(await tab.getByRole('heading', { level: 1 }).textContent()).toBe(
        'The shop is busy, please try again shortly',
      );
      // Styled: the shop's stylesheet loaded (the card has the shop's rounded corners).
      expect(await colourOf(tab, '.error-card', 'border-radius')).toBe('14px');
      await tab.screenshot({ path: `${ARTIFACTS}error.png` });

      await shop.redis.start();
      await tab.getByRole('link', { name: 'Try again' }).click();
      await tab.waitForLoadState();
      expect((await tab.getByTestId('cart-summary').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
        '1 item · $129.99',
      );
    } finally {
      await tab.close();
      await shop.close();
    }
  }, 60_000);
});

/** The computed background colour of the page's body. */
function backgroundOf(page: Page): Promise<string> {
  return colourOf(page, 'body', 'background-color');
}

function colourOf(page: Page, selector: string, property: string): Promise<string> {
  return page
    .locator(selector)
    .first()
    .evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);
}

/** Relative luminance (0 black to 1 white) of an `rgb(r, g, b)` colour. */
function luminance(colour: string): number {
  const [r = 0, g = 0, b = 0] = (colour.match(/\d+(\.\d+)?/g) ?? []).map(Number).map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
