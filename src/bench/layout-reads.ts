/**
 * Forced layouts of our layout script, per page: every geometry read that follows a DOM
 * change makes Chromium lay the page out again, and their number, unlike wall time, does not
 * depend on how busy the machine is. Counted in the page (a read with a mutation record
 * pending), beside Chromium's own LayoutCount for the whole load.
 *
 * With `--cpu`, each page is also loaded again, uncounted, and the main thread's CPU time
 * from the end of font loading to the end of the layout (what report.json's `render.layout`
 * times on the wall clock) is read from a Chromium trace: on a busy machine the wall clock
 * mostly measures the other processes, CPU time much less so. Median of `--rounds` loads.
 * Works for pages built by an older tree too (`--html`): it hooks the page's __presswork
 * state, which every version sets, rather than code of its own in the page. Several `--html`
 * are measured side by side, their loads alternating round by round; `DIR=EDITION` serves
 * a tree's pages with its own edition folder (its images).
 *
 *   npx tsx src/cli.ts build articles/2026-11-26 --proof-only
 *   npx tsx src/bench/layout-reads.ts articles/2026-11-26 [--html output/2026-11-26/html ...] [--by-caller] [--cpu [--rounds 3]]
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'puppeteer-core';
import { launchChromium, restrictToOrigin } from '../render/chromium.js';
import { waitForLayout } from '../render/wait-for-layout.js';
import { startStaticServer } from '../render/static-server.js';
import { staticMounts } from '../pipeline/prepare-edition.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { html: { type: 'string', multiple: true }, 'by-caller': { type: 'boolean', default: false }, cpu: { type: 'boolean', default: false }, rounds: { type: 'string', default: '3' } },
});
const editionDir = resolve(positionals[0] ?? 'articles/2026-11-26');
const trees = (values.html ?? [`output/${basename(editionDir)}/html`]).map((spec) => {
  const [html, edition] = spec.split('=');
  return { html: resolve(html!), edition: resolve(edition ?? editionDir) };
});
for (const { html } of trees) {
  if (existsSync(html)) continue;
  console.error(`${html}: no built pages; build the edition first (presswork build ${positionals[0] ?? 'articles/2026-11-26'} --proof-only)`);
  process.exit(2);
}

/** Runs in the page before its scripts (a string: tsx's helpers do not exist there). */
const COUNTER = `(() => {
  window.requestAnimationFrame = (cb) => window.setTimeout(() => cb(performance.now()), 0);
  const counts = {}; window.__layoutReads = counts;
  const changes = new MutationObserver(() => {});
  changes.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const caller = () => (new Error().stack || '').split('\\n')[4]?.trim().replace(/\\(?\\S*\\/([^/]+:\\d+):\\d+\\)?/, '$1') || '?';
  const count = () => { if (changes.takeRecords().length > 0) { const at = caller(); counts[at] = (counts[at] || 0) + 1; } };
  for (const [proto, name] of [[Element.prototype, 'getBoundingClientRect'], [Element.prototype, 'getClientRects'], [Range.prototype, 'getBoundingClientRect'], [Range.prototype, 'getClientRects']]) {
    const read = proto[name];
    proto[name] = function (...args) { count(); return read.apply(this, args); };
  }
  for (const name of ['scrollWidth', 'clientWidth', 'offsetHeight', 'offsetWidth']) {
    const property = Object.getOwnPropertyDescriptor(Element.prototype, name) || Object.getOwnPropertyDescriptor(HTMLElement.prototype, name);
    const owner = Object.getOwnPropertyDescriptor(Element.prototype, name) ? Element.prototype : HTMLElement.prototype;
    Object.defineProperty(owner, name, { get() { count(); return property.get.call(this); } });
  }
  const style = window.getComputedStyle;
  window.getComputedStyle = function (...args) { count(); return style.apply(window, args); };
})();`;

/**
 * Runs in the page before its scripts: a trace mark when the layout starts (the state gets
 * its `marks`, right after the fonts) and when it ends (phase `laid-out`).
 */
const LAYOUT_MARKS = `(() => {
  let state;
  Object.defineProperty(window, '__presswork', { configurable: true, get() { return state; }, set(value) {
    state = value;
    for (const [name, marks] of [['marks', () => true], ['phase', (v) => v === 'laid-out']]) {
      let kept = value[name];
      Object.defineProperty(value, name, { configurable: true, enumerable: true, get() { return kept; }, set(v) { if (marks(v)) console.timeStamp('pw-' + name); kept = v; } });
    }
  } });
})();`;

/** Main-thread CPU ms of one load's layout, from the trace's thread clock at the two marks. */
async function layoutCpuMs(browser: Browser, origin: string, id: string): Promise<number> {
  const tab = await browser.newPage();
  try {
    await restrictToOrigin(tab, origin);
    await tab.evaluateOnNewDocument(LAYOUT_MARKS);
    await tab.tracing.start({ categories: ['devtools.timeline'] });
    // No ?layout-only: an older page may not know it; the layout is over before pagination starts.
    await tab.goto(`${origin}/html/${id}.html`, { waitUntil: 'load' });
    await tab.waitForFunction(() => ['laid-out', 'paginating', 'done', 'failed'].includes((window as unknown as { __presswork?: { phase: string } }).__presswork?.phase ?? ''), { timeout: 180_000, polling: 50 });
    const trace = await tab.tracing.stop();
    const events = (JSON.parse(Buffer.from(trace!).toString()) as { traceEvents: { name: string; tts?: number; args?: { data?: { message?: string } } }[] }).traceEvents;
    const mark = (name: string) => events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === name)?.tts;
    const [start, end] = [mark('pw-marks'), mark('pw-phase')];
    if (start === undefined || end === undefined) throw new Error(`${id}: no layout marks in the trace`);
    return (end - start) / 1000;
  } finally {
    await tab.close();
  }
}

const pageIds = ['A1', 'A2', 'A3', 'A4'].filter((id) => existsSync(resolve(trees[0]!.html, `${id}.html`)));
const servers = await Promise.all(trees.map((tree) => startStaticServer({ mounts: staticMounts(tree.edition, tree.html) })));
const browser = await launchChromium({});
try {
  for (const [t, server] of servers.entries()) {
    if (trees.length > 1) console.log(`== ${trees[t]!.html}`);
    let total = 0;
    for (const id of pageIds) {
      const tab = await browser.newPage();
      await restrictToOrigin(tab, server.origin);
      await tab.evaluateOnNewDocument(COUNTER);
      const cdp = await tab.createCDPSession();
      await cdp.send('Performance.enable');
      await tab.goto(`${server.origin}/html/${id}.html?layout-only`, { waitUntil: 'load' });
      await waitForLayout(tab, { timeoutMs: 180_000 });
      const reads = (await tab.evaluate(() => (window as unknown as { __layoutReads: Record<string, number> }).__layoutReads)) as Record<string, number>;
      const { metrics } = await cdp.send('Performance.getMetrics');
      const sum = Object.values(reads).reduce((a, b) => a + b, 0);
      total += sum;
      console.log(`${id}  forced layouts ${sum}  (Chromium LayoutCount ${metrics.find((m) => m.name === 'LayoutCount')?.value ?? '?'})`);
      if (values['by-caller']) for (const [at, n] of Object.entries(reads).sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${String(n).padStart(5)} ${at}`);
      await tab.close();
    }
    console.log(`all   forced layouts ${total}`);
  }
  if (values.cpu) {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const runs = servers.map(() => new Map<string, number[]>(pageIds.map((id) => [id, []])));
    // Round by round, each tree in turn: a busy spell of the machine falls on all of them.
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const [t, server] of servers.entries()) for (const id of pageIds) runs[t]!.get(id)!.push(await layoutCpuMs(browser, server.origin, id));
    }
    const sums = runs.map((byPage) => [...byPage.values()].reduce((n, xs) => n + median(xs), 0));
    for (const [t, byPage] of runs.entries()) {
      if (trees.length > 1) console.log(`== ${trees[t]!.html}`);
      for (const [id, xs] of byPage) console.log(`${id}  layout CPU ${median(xs).toFixed(0)} ms  (${xs.map((x) => x.toFixed(0)).join(' ')})`);
      console.log(`all   layout CPU ${sums[t]!.toFixed(0)} ms (sum of medians)${t > 0 ? `, ${(sums[t]! / sums[0]!).toFixed(2)}x the first` : ''}`);
    }
  }
} finally {
  await browser.close();
  await Promise.all(servers.map((server) => server.close()));
}
