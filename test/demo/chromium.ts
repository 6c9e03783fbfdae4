// Headless Chromium for the report tests: Debian's `chromium` package driven by playwright-core.
// Where /usr/bin/chromium does not exist (a CI image without it) the browser tests skip, and the
// reason is in their titles so a skipped run says why.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM_PATH);
export const chromiumSkipNote = chromiumPresent ? '' : ` [SKIPPED: ${CHROMIUM_PATH} is absent; apt-get install chromium to run it]`;

/** A fresh browser profile in its own temporary directory, with every background network feature off. */
export async function launchChromium(): Promise<BrowserContext> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'walref-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
