import { execFileSync } from 'node:child_process';
import type { Browser } from 'puppeteer-core';
import { launchChromium, resolveChromium } from '../render/chromium.js';
import { buildEdition } from '../pipeline/build-edition.js';
import type { EditionReport } from '../report/edition-report.js';
import { formatEditionSummary } from '../report/terminal.js';

export interface BuildCommandOptions {
  editions: string[];
  out: string;
  strict: boolean;
  timeoutSeconds?: number;
  json: boolean;
  proofOnly: boolean;
  concurrency?: number;
  log: (line: string) => void;
}

export function chromiumVersion(): string | undefined {
  try {
    return execFileSync(resolveChromium(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Build each edition with one shared browser; returns the reports and whether all passed. */
export async function runBuild(options: BuildCommandOptions): Promise<{ reports: EditionReport[]; ok: boolean }> {
  // One warm browser for every page and edition; a new one if it crashed.
  let browser: Promise<Browser> | undefined;
  const getBrowser = async () => {
    const current = browser && (await browser.catch(() => undefined));
    if (!current || !current.connected) browser = launchChromium();
    return browser!;
  };
  const reports: EditionReport[] = [];
  const version = chromiumVersion();
  const timeoutMs = options.timeoutSeconds ? options.timeoutSeconds * 1000 : undefined;
  try {
    for (const dir of options.editions) {
      const report = await buildEdition(dir, {
        out: options.out,
        browser: getBrowser,
        chromiumVersion: version,
        proofOnly: options.proofOnly,
        concurrency: options.concurrency,
        timeouts: timeoutMs ? { navigationMs: timeoutMs, paginationMs: timeoutMs, printMs: timeoutMs } : undefined,
        onPage: (e) => options.log(`${e.edition} ${e.page}: ${e.ok ? 'built' : 'FAILED'} in ${(e.ms / 1000).toFixed(1)} s`),
      });
      reports.push(report);
      if (!options.json) options.log(formatEditionSummary(report));
    }
  } finally {
    await (await browser?.catch(() => undefined))?.close();
  }
  const failed = (r: EditionReport) => !r.ok || (options.strict && r.messages.some((m) => m.severity === 'warning'));
  return { reports, ok: !reports.some(failed) };
}
