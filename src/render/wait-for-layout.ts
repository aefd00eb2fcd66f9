import type { Page } from 'puppeteer-core';
import type { PressworkState } from '../browser/page-state.js';

/**
 * Wait until the page's layout (and pagination, unless `?layout-only`) has finished or failed,
 * and return its `__presswork` state. Throws Puppeteer's timeout error after `timeoutMs`.
 * `laidOut`: return as soon as our layout is done (copyfit and handover known), before Paged.js.
 */
export async function waitForLayout(page: Page, options: { timeoutMs: number; pollingMs?: number; laidOut?: boolean }): Promise<PressworkState> {
  const phases = options.laidOut ? ['laid-out', 'paginating', 'done', 'failed'] : ['done', 'failed'];
  await page.waitForFunction(
    (ends: string[]) => ends.includes((window as Window & { __presswork?: { phase: string } }).__presswork?.phase ?? ''),
    { timeout: options.timeoutMs, polling: options.pollingMs ?? 50 },
    phases,
  );
  return page.evaluate(() => (window as Window & { __presswork: PressworkState }).__presswork);
}
