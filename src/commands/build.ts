import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readTextFile } from '../edition/read-text-file.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { createPageCache } from '../pipeline/page-cache.js';
import { collectHashInputs } from '../pipeline/page-hash.js';
import type { CachedPage } from '../pipeline/render-pages.js';
import { createBuildLog, type LogFormat } from '../report/build-log.js';
import type { Browser } from 'puppeteer-core';
import { createBrowserPool } from '../render/browser-pool.js';
import { launchChromium, resolveChromium } from '../render/chromium.js';
import { removeStaleProfiles } from '../render/chromium-profile.js';
import type { StaticServer } from '../render/static-server.js';
import { startEditionServer } from '../pipeline/prepare-edition.js';
import { createPromiseCache } from '../util/promise-cache.js';
import { throwIfCancelled, withDeadline } from '../util/cancel.js';
import { buildEdition, newReport, type BuildOptions } from '../pipeline/build-edition.js';
import { buildFailureMessage } from '../pipeline/build-failure.js';
import { resolveBuildConfig, type BuildSettings } from '../pipeline/build-config.js';
import { checkOutputFolder } from '../pipeline/output-preflight.js';
import { countBySeverity, type EditionReport } from '../report/edition-report.js';

/** The build's settings (resolved once per session, see pipeline/build-config.ts) and how it reports. */
export interface BuildCommandOptions extends BuildSettings {
  editions: string[];
  strict: boolean;
  json: boolean;
  logFormat: LogFormat;
  /** Progress and summaries go here (stderr); reports with --json go to stdout. */
  write: (text: string) => void;
  isTTY: boolean;
}

/** `chromium --version`, asked in the background: the build goes on while the tool starts. */
export function chromiumVersion(): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      execFile(resolveChromium(), ['--version'], { encoding: 'utf8', timeout: 30_000 }, (error, stdout) => resolve(error ? undefined : stdout.trim()));
    } catch {
      resolve(undefined);
    }
  });
}

/**
 * Build each edition with one shared browser; returns the reports and whether all passed.
 * `browser`: one the caller launched already (see cli/run-build.ts), used for the first page.
 */
export async function runBuild(options: BuildCommandOptions, browser?: Promise<Browser>): Promise<{ reports: EditionReport[]; ok: boolean }> {
  const session = createBuildSession(options, launchChromium, browser);
  try {
    return await session.build(options.editions);
  } finally {
    await session.close();
  }
}

export interface BuildSession {
  /** Build these editions, write output/summary.json, and say whether all passed. */
  build(editions: string[], extra?: Pick<BuildOptions, 'onStage' | 'processArticle' | 'renderer'>): Promise<{ reports: EditionReport[]; ok: boolean }>;
  close(): Promise<void>;
}

/**
 * One warm browser for every page and edition, started only when a page needs it (a new
 * one if it crashed), kept across builds until `close`: `build --watch` rebuilds with it.
 */
export function createBuildSession(
  options: Omit<BuildCommandOptions, 'editions'>,
  launch: () => Promise<Browser> = launchChromium,
  launched?: Promise<Browser>,
): BuildSession {
  const config = resolveBuildConfig(options);
  const pool = createBrowserPool({ launch, launched });
  const versionAsked = chromiumVersion();
  const log = createBuildLog(options.logFormat, options.write, options.isTTY);
  const pages = config.cache ? createPageCache<CachedPage>(config.cacheDir) : undefined;
  // One loopback server per edition folder for the session: a rebuild keeps the origin, so
  // the browser revalidates its cached scripts and fonts instead of fetching and compiling.
  const servers = createPromiseCache<string, StaticServer>();
  const server = (mounts: Record<string, string>) => servers.get(JSON.stringify(mounts), () => startEditionServer(mounts));
  return {
    async build(editions, extra = {}) {
      const deadline = withDeadline(config.signal, config.timeoutSeconds, 'build');
      try {
        return await buildAll(editions, extra, deadline.signal);
      } finally {
        deadline.dispose();
      }
    },
    async close() {
      await Promise.all(servers.values().map((started) => started.then((s) => s.close(), () => undefined)));
      await pool.close();
    },
  };

  async function buildAll(editions: string[], extra: Parameters<BuildSession['build']>[1], signal: AbortSignal | undefined) {
    const reports: EditionReport[] = [];
    const version = await versionAsked;
    // A read-only or full output folder is refused here, before any browser starts.
    await checkOutputFolder(config.out);
    await removeStaleProfiles(); // left in /tmp by builds that were killed
    // Collected per build: in watch mode a template or style may have changed since.
    const inputs = pages ? await collectHashInputs({ chromiumVersion: version }) : undefined;
    for (const dir of editions) {
      log.start(basename(dir), await countPages(dir));
      const report = await buildEdition(dir, {
        ...config,
        browser: pool.browser,
        chromiumVersion: version,
        pageCache: pages && inputs ? { pages, inputs } : undefined,
        onPage: (event) => log.page(event),
        server,
        signal,
        ...extra,
      }).catch((error: unknown) => {
        throwIfCancelled(signal); // not this edition's failure: the command stops
        // Refused before it started (lock held, output folder unusable): this edition's error.
        const failed = newReport(dir, version);
        failed.messages.push(buildFailureMessage(error, config.out));
        return failed;
      });
      reports.push(report);
      if (!options.json) log.edition(report);
    }
    await pages?.prune().catch(() => undefined);
    const summarised = await writeSummary(config.out, reports).then(
      () => true,
      (error: unknown) => {
        // Said once: an edition that met the same disk or permission failure already said it.
        const failure = buildFailureMessage(error, config.out);
        if (!reports.some((r) => r.messages.some((m) => m.ruleId === failure.ruleId))) options.write(`summary.json not written: ${failure.message}\n`);
        return false;
      },
    );
    const failed = (r: EditionReport) => !r.ok || (options.strict && r.messages.some((m) => m.severity === 'warning'));
    return { reports, ok: summarised && !reports.some(failed) };
  }
}

async function countPages(dir: string): Promise<number> {
  // readTextFile: never blocks on a FIFO under the name (loading then reports it).
  const text = await readTextFile(join(dir, 'edition.yaml')).catch(() => '');
  return (text.match(/^\s*-\s*id:/gm) ?? []).length;
}

/** `output/summary.json`: one line per edition for the morning desk and for log collectors. */
async function writeSummary(out: string, reports: EditionReport[]): Promise<void> {
  const summary = {
    ok: reports.every((r) => r.ok),
    builtAt: new Date().toISOString(),
    editions: reports.map((r) => ({
      edition: r.edition,
      ok: r.ok,
      ...countBySeverity(r.messages),
      pdf: r.pdf ? join(r.edition, r.pdf) : null,
      report: join(r.edition, 'report.json'),
      pages: r.pages.map((p) => ({ id: p.id, ok: p.ok, plate: p.plate })),
      changed: (r.changes ?? []).map((c) => c.page),
      missingChars: r.verify.missingChars,
      ms: r.timings.total,
    })),
  };
  await mkdir(out, { recursive: true });
  await writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
