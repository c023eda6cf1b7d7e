import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium, which scripts/ensure-test-tools.sh installs; playwright-core brings no browser. */
export const CHROMIUM = process.env.CHROMIUM_BINARY ?? '/usr/bin/chromium';

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts headless Chromium; fails loudly when it is not installed, never a silent skip. */
export async function startBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run "apt-get install -y chromium" (scripts/ensure-test-tools.sh does) or set CHROMIUM_BINARY`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'kanari-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
