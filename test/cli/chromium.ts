// Headless Chromium for the report tests: Debian's `chromium` package driven by playwright-core.
// Where /usr/bin/chromium does not exist (a CI image without it) the browser tests skip, and the
// reason is in their titles so a skipped run says why.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM_PATH);
export const chromiumSkipNote = chromiumPresent ? '' : ` [SKIPPED: ${CHROMIUM_PATH} is absent; apt-get install chromium to run it]`;

/**
 * A browser with a fresh profile in its own temporary directory and every background network
 * feature off. `close` shuts it down and removes the profile.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'walref-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
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
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
