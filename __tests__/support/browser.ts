import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Headless Debian Chromium for the wizard's end-to-end tests. A missing browser fails the tests
 * (with how to install it) instead of skipping them: CI installs it, and a skipped browser test
 * proves nothing. CHROMIUM_PATH names another Chromium build (GitHub's Ubuntu runners ship
 * Google Chrome, and their `chromium` package is a snap shim).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync'
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `the wizard's browser tests need Debian's Chromium at ${CHROMIUM_PATH}, which is missing: install it with ` +
        '`sudo apt-get update && sudo apt-get install -y chromium` (.ci/run does this in CI)'
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Where the tests save screenshots (gitignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-output/wizard/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Everything the page complains about: console errors (CSP violations included), uncaught
 * exceptions, failed requests. A test ends by expecting this to be empty.
 */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (request) => {
    // A blob: download handed to the download manager reports as aborted; that is the download working.
    if (!request.url().startsWith('blob:')) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  return problems;
}
