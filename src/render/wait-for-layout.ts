import type { Page } from 'puppeteer-core';
import type { PressworkState } from '../browser/page-state.js';

/**
 * Wait until the page's layout (and pagination, unless `?layout-only`) has finished or failed,
 * and return its `__presswork` state. Throws Puppeteer's timeout error after `timeoutMs`.
 */
export async function waitForLayout(page: Page, options: { timeoutMs: number; pollingMs?: number }): Promise<PressworkState> {
  await page.waitForFunction(
    () => {
      const phase = (window as Window & { __presswork?: { phase: string } }).__presswork?.phase;
      return phase === 'done' || phase === 'failed';
    },
    { timeout: options.timeoutMs, polling: options.pollingMs ?? 50 },
  );
  return page.evaluate(() => (window as Window & { __presswork: PressworkState }).__presswork);
}
