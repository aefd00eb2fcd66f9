import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { createBrowserPool, type BrowserPool } from '../../src/render/browser-pool.js';
import { TWO_PAGE_EDITION, writeEdition } from '../helpers/fixture-edition.js';
import { browserProcesses, running, waitUntil } from '../helpers/processes.js';

/** The browser's profile folder: every Chromium process of this browser has it on its command line. */
function profileOf(browser: Browser): string {
  const match = /--user-data-dir=(\S+)/.exec(browser.process()!.spawnargs.join(' '));
  return match![1]!;
}

function kill(browser: Browser): number {
  const pid = browser.process()!.pid!;
  process.kill(pid, 'SIGKILL');
  return pid;
}

let pool: BrowserPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('the browser pool', () => {
  it('launches once, and launches a new browser after the last one was killed between uses', async () => {
    pool = createBrowserPool();
    const first = await pool.browser();
    expect(await pool.browser()).toBe(first);
    const pid = kill(first);
    // Puppeteer sees the pipe close a few tens of ms after the kill.
    expect(await waitUntil(() => !running(pid) && !first.connected, 10_000)).toBe(true);
    const second = await pool.browser();
    expect(second).not.toBe(first);
    expect(second.connected).toBe(true);
    expect(second.process()!.pid).not.toBe(pid);

    // The new browser builds an edition.
    const dir = writeEdition(TWO_PAGE_EDITION);
    const report = await buildEdition(dir, { out: join(dir, '..', 'out'), browser: pool.browser, proofOnly: true });
    expect(report.messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(report.pages.map((p) => [p.id, p.ok])).toEqual([
      ['A1', true],
      ['A2', true],
    ]);
    expect(await pool.browser()).toBe(second);
  }, 300_000);

  it('a browser killed while a page prints: the page is rendered again on a relaunched browser and the build succeeds', async () => {
    pool = createBrowserPool();
    const killed: number[] = [];
    const dir = writeEdition(TWO_PAGE_EDITION);
    const report = await buildEdition(dir, {
      out: join(dir, '..', 'out'),
      browser: pool.browser,
      proofOnly: true,
      concurrency: 1,
      // Kill the whole browser (not the tab) just before A2 prints, the first time only.
      hooks: (page) => (page === 'A2' ? { beforePrint: async (tab) => void (killed.length === 0 && killed.push(kill(tab.browser()))) } : undefined),
    });
    expect(killed).toHaveLength(1);
    expect(report.messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(report.pdf).toBe('edition.pdf');
    expect(report.pages.map((p) => [p.id, p.ok])).toEqual([
      ['A1', true],
      ['A2', true],
    ]);
    const now = await pool.browser();
    expect(now.process()!.pid).not.toBe(killed[0]);
  }, 300_000);

  it('close() ends its Chromium: no process of that browser is left, and nothing launches after', async () => {
    const own = createBrowserPool();
    const browser = await own.browser();
    const profile = profileOf(browser);
    expect(browserProcesses(profile).length).toBeGreaterThan(0);
    await own.close();
    expect(await waitUntil(() => browserProcesses(profile).length === 0, 10_000)).toBe(true);
    await expect(own.browser()).rejects.toThrow(/closed/);
  }, 120_000);

  it('close() ends a browser that no longer answers: killed after 5 s, not after the 180 s protocol timeout', async () => {
    const own = createBrowserPool();
    const browser = await own.browser();
    const tab = await browser.newPage();
    const profile = profileOf(browser);
    // Frozen, as a hung machine leaves it: no CDP call is answered.
    const frozen = browserProcesses(profile).map((p) => p.pid);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    const started = Date.now();
    try {
      await own.close();
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(4_900);
      expect(took).toBeLessThan(30_000);
      const pid = browser.process()!.pid!;
      expect(await waitUntil(() => !running(pid), 2_000)).toBe(true);
    } finally {
      for (const pid of frozen) if (running(pid)) process.kill(pid, 'SIGCONT');
    }
    expect(await waitUntil(() => browserProcesses(profile).length === 0, 10_000)).toBe(true);
    expect(tab.isClosed() || !browser.connected).toBe(true);
  }, 120_000);

  it('a launch that fails is not kept: the next call launches again', async () => {
    let launches = 0;
    const failing = createBrowserPool({
      launch: async () => {
        launches += 1;
        throw new Error(`launch ${launches} failed`);
      },
    });
    await expect(failing.browser()).rejects.toThrow('launch 1 failed');
    await expect(failing.browser()).rejects.toThrow('launch 2 failed');
    await failing.close();
  });
});
