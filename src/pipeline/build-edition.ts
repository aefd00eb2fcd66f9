import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Browser } from 'puppeteer-core';
import type { VFile } from 'vfile';
import type { Copyfit } from '../browser/layout-story.js';
import type { TypographyFinding } from '../browser/typography/index.js';
import type { Edition, LoadedPage } from '../edition/load-edition.js';
import type { processArticle } from '../markdown/process-article.js';
import { registerTempDir, writeFileAtomic } from '../util/atomic-write.js';
import { pagedjsVersion, writeBrowserAssets } from '../render/browser-assets.js';
import type { EditionReport, PageReport } from '../report/edition-report.js';
import { messagesFromFiles, type ReportMessage } from '../report/messages.js';
import { startStaticServer, type StaticServer } from '../render/static-server.js';
import { buildFailureMessage, collapseDiskFull } from './build-failure.js';
import { resolveBuildConfig, type BuildConfig, type BuildSettings } from './build-config.js';
import type { PlateMaker } from './make-plates.js';
import { adClients } from './page-ads.js';
import { acquireOutputLock } from '../util/output-lock.js';
import { createPageFontSubsetter } from './page-fonts.js';
import { shardPages, withJumpSources } from './page-selection.js';
import { removeStaleTemporaries } from './stale-temporaries.js';
import { prepareEdition, staticMounts } from './prepare-edition.js';
import { pageError, renderPages, type PageResult, type RenderPagesOptions } from './render-pages.js';
import type { StoryText } from './verify-text.js';
import { copyfitMessages } from './copyfit-messages.js';
import { markOnce } from '../util/startup-timing.js';
import { throwIfCancelled } from '../util/cancel.js';
import { PACKAGE_VERSION } from '../util/package-root.js';

/** The build's settings (or its resolved BuildConfig), and what it runs with. */
export interface BuildOptions extends BuildSettings {
  browser: () => Promise<Browser>;
  chromiumVersion?: string;
  /** Fault injection for tests (a hanging page, a page that loses a paragraph). */
  hooks?: RenderPagesOptions['hooks'];
  /** The page cache to reuse unchanged pages from (`<out>/.cache`); without it every page renders. */
  pageCache?: RenderPagesOptions['cache'];
  /** Called as each page finishes, for progress output. */
  onPage?: (event: { edition: string; page: string; ok: boolean; ms: number; cached?: boolean }) => void;
  /** Called as each stage (render, merge, plates, …) finishes. */
  onStage?: (stage: string) => void;
  /** Markdown processing; `build --watch` passes a cache so a save re-processes one article. */
  processArticle?: typeof processArticle;
  /**
   * The loopback server for an edition's pages, kept by a build session across rebuilds so
   * the warm browser keeps its caches (same origin). Without it, each build starts its own.
   */
  server?: (mounts: Record<string, string>) => Promise<StaticServer>;
}

/** A report with nothing built yet: the start of every build, and the whole of one that could not start. */
export function newReport(dir: string, chromiumVersion?: string): EditionReport {
  return {
    ok: false,
    edition: dir.split(/[\\/]/).filter(Boolean).pop() ?? dir,
    dir,
    pdf: null,
    builtAt: new Date().toISOString(),
    versions: { presswork: PACKAGE_VERSION, chromium: chromiumVersion ?? null, pagedjs: pagedjsVersion() },
    pages: [],
    messages: [],
    timings: {},
    verify: { missingChars: 0, stories: [] },
  };
}

/**
 * What comes after the render (plates, proof merge, text check, changes) is imported when
 * first used: pdf-lib, pdfjs and sharp take ~0.4 s of CPU to load, which would otherwise
 * delay a fresh process's first page.
 */
function deferredPlateMaker(load: () => Promise<PlateMaker>): PlateMaker {
  let maker: Promise<PlateMaker> | undefined;
  const loaded = () => (maker ??= load());
  return {
    // A failed import is reported by `finish`, which every build awaits.
    add: (pageId, pdf, hash) => void loaded().then((m) => m.add(pageId, pdf, hash), () => undefined),
    finish: (order) => loaded().then((m) => m.finish(order)),
  };
}

/**
 * Build one edition: load, process, template, render each page, merge the proof, verify,
 * report. Whatever fails after the output lock is taken ends as an error in the report,
 * never as an exception, so the next edition of the same command still builds.
 */
export async function buildEdition(dir: string, options: BuildOptions): Promise<EditionReport> {
  const report = newReport(dir, options.chromiumVersion);
  const timings = report.timings;
  const time = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await run();
    } finally {
      timings[name] = Math.round((timings[name] ?? 0) + performance.now() - start);
      options.onStage?.(name);
    }
  };
  // Without a page cache nothing is reused: no page hash, so no plate record either.
  const config = resolveBuildConfig({ cache: Boolean(options.pageCache), ...options });
  throwIfCancelled(config.signal);
  const started = performance.now();
  const outDir = join(config.out, report.edition);
  const { tempDir } = config;
  registerTempDir(config.out, tempDir);
  await mkdir(outDir, { recursive: true });
  // One build per output folder at a time: the second waits or fails with who holds it.
  const release = await acquireOutputLock(outDir, { wait: config.waitForLock, signal: config.signal });
  if (release.note) report.messages.push({ ...pageError('', release.note, 'stale-lock'), severity: 'info' });
  try {
    const stale = await removeStaleTemporaries(config.out, [tempDir, outDir]);
    if (stale.length > 0) {
      const message = `Removed ${stale.length} temporary ${stale.length === 1 ? 'file' : 'files'} left by a build that no longer runs: ${stale.join(', ')}`;
      report.messages.push({ ...pageError('', message, 'stale-temporaries'), severity: 'info' });
    }
    const files: VFile[] = [];
    try {
      await buildLocked(dir, outDir, config, options, report, time, files);
    } catch (error) {
      throwIfCancelled(config.signal); // a cancelled build writes no report: the last one stays
      report.messages.push(buildFailureMessage(error, config.out));
    }
    report.messages = collapseDiskFull(report.messages, config.out);
    report.messages.unshift(...messagesFromFiles(files, dir));
    report.ok = !report.messages.some((m) => m.severity === 'error');
    report.timings.total = Math.round(performance.now() - started);
    try {
      await writeFileAtomic(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
      // The previous report.json is kept whole; this one is still returned and shown.
      const failure = buildFailureMessage(error, config.out);
      if (!report.messages.some((m) => m.ruleId === failure.ruleId)) report.messages.push(failure);
      report.ok = false;
    }
    return report;
  } finally {
    await release();
  }
}

async function buildLocked(
  dir: string,
  outDir: string,
  config: BuildConfig,
  options: BuildOptions,
  report: EditionReport,
  time: <T>(name: string, run: () => Promise<T>) => Promise<T>,
  files: VFile[],
): Promise<void> {
  const loaded = await prepareEdition(dir, time, options.processArticle, { fontCacheDir: config.fontCacheDir });
  markOnce('edition-prepared');
  throwIfCancelled(config.signal);
  files.push(...loaded.files);
  const prepared = loaded.prepared;
  if (!prepared) return;
  const { edition, view, render, storyText, brokenFiles } = prepared;

  const htmlDir = join(outDir, 'html');
  const pagesDir = join(outDir, 'pages');
  const fonts = await time('template', async () => {
    await mkdir(pagesDir, { recursive: true });
    await writeBrowserAssets(join(htmlDir, 'assets'), prepared.fonts);
    return createPageFontSubsetter(join(htmlDir, 'assets'), undefined, prepared.fonts);
  });

  const extraMessages: ReportMessage[] = [];
  const unknown = (config.pages ?? []).filter((id) => !edition.pages.some((p) => p.config.id === id));
  if (unknown.length > 0) extraMessages.push(pageError('', `No page ${unknown.join(', ')} in the edition`, 'unknown-page'));
  const selected = config.shard
    ? shardPages(edition, config.shard.shard, config.shard.of)
    : config.pages
      ? withJumpSources(edition, config.pages)
      : edition.pages.map((p) => p.config.id);
  const pages = edition.pages.filter((p) => selected.includes(p.config.id));
  const whole = pages.length === edition.pages.length;
  if (config.shard) report.shard = { ...config.shard, pages: selected };
  // Plates start on each page as soon as its PDF is written, while other pages still render.
  const plating = config.proofOnly
    ? undefined
    : deferredPlateMaker(async () => (await import('./make-plates.js')).createPlateMaker(edition, outDir, new Date(report.builtAt), {
        reuseDir: config.plateCacheDir,
        concurrency: config.concurrency,
        signal: config.signal,
      }));
  const mounts = staticMounts(edition.dir, htmlDir);
  const server = await (options.server ?? ((m) => startStaticServer({ mounts: m })))(mounts);
  let pageResults = new Map<string, PageResult>();
  try {
    const rendered = await time('render', () =>
      renderPages({
        prepared,
        editionName: report.edition,
        origin: server.origin,
        htmlDir,
        pagesDir,
        browser: options.browser,
        timeouts: config.timeouts,
        concurrency: config.concurrency,
        cache: options.pageCache,
        fonts,
        only: selected,
        hooks: options.hooks,
        onPage: options.onPage,
        onPdf: plating && ((pageId, pdf, hash) => plating.add(pageId, pdf, hash)),
        signal: config.signal,
      }),
    );
    pageResults = rendered.results;
    extraMessages.push(...rendered.messages);
    await fonts.prune().catch(() => undefined); // housekeeping: never fails a build
  } catch (error) {
    // Cancelled (or failed): the plates already started end too (Ghostscript is killed) before the lock goes.
    await plating?.finish(selected).catch(() => undefined);
    throw error;
  } finally {
    if (!options.server) await server.close();
  }

  for (const page of pages) {
    const result = pageResults.get(page.config.id);
    report.pages.push({ ...pageReport(page.config.id, page.config.template, result, outDir), ...adsReport(page) });
    for (const fit of result?.copyfit ?? []) extraMessages.push(...copyfitMessages(fit, dir, edition));
    extraMessages.push(...auditMessages(result?.audit ?? []));
    // Summed over tabs, so with several tabs at once these add up to more than `render`.
    for (const [step, ms] of Object.entries(result?.timings ?? {})) report.timings[`render.${step}`] = (report.timings[`render.${step}`] ?? 0) + ms;
  }
  const pageIds = pages.map((p) => p.config.id);
  // What is left of plating once every page is rendered, and where each plate went.
  const collectPlates = async () => {
    if (!plating) return;
    const plates = await time('plates', () => plating.finish(pageIds));
    throwIfCancelled(config.signal); // its plates were stopped, not failed
    for (const page of report.pages) page.plate = plates.plates[page.id] ?? null;
    report.preflight = plates.preflight;
    // Plate and preflight time summed over plates, most of it spent while pages rendered.
    report.timings['plates.work'] = plates.preflight.reduce((sum, p) => sum + p.ms, 0);
    extraMessages.push(...plates.messages);
  };
  const built = pages.map((p) => pageResults.get(p.config.id)?.pdf).filter((p): p is string => Boolean(p));
  throwIfCancelled(config.signal);
  if (built.length === pages.length) {
    // A partial build (--pages, --shard) never overwrites the whole edition's proof.
    const proofPath = join(outDir, whole ? `${report.edition}.pdf` : `${report.edition}.${pageIds.join('-')}.pdf`);
    const { mergePagePdfs } = await import('./merge-pages.js');
    const proof = await time('merge', () =>
      mergePagePdfs(
        built,
        { width: edition.grid.widthMm, height: edition.grid.heightMm },
        {
          title: `${edition.config.paper} ${view.dateText}`,
          date: edition.config.date,
          pageIds,
          pageTitles: Object.fromEntries(pages.map((p) => [p.config.id, p.config.section])),
          stories: pages.flatMap((p) => p.stories.map((s) => ({ title: s.frontMatter.title, page: p.config.id }))),
          author: edition.config.paper,
        },
      ),
    );
    await writeFileAtomic(proofPath, proof, { signal: config.signal });
    report.pdf = relative(outDir, proofPath);
    const expected: StoryText[] = [];
    for (const page of pages) {
      for (const story of page.stories) {
        const fits = [...pageResults.values()].flatMap((r) => r.copyfit).filter((c) => c.story === story.id);
        const fm = story.frontMatter;
        expected.push({
          story: story.id,
          page: page.config.id,
          pages: fits.map((f) => f.page),
          text: [fm.kicker, fm.title, fm.subtitle, fm.byline, storyText.get(story.id)].filter(Boolean).join('\n'),
          oversetText: fits.map((f) => f.overset.text).join(''),
        });
      }
    }
    await collectPlates();
    report.changes = await time('changes', () => recordChanges(pages, pageResults, outDir, edition.config.paper, view.dateText, report.builtAt));
    throwIfCancelled(config.signal);
    const { verifyPdfText } = await import('./verify-text.js');
    report.verify = await time('verify', () => verifyPdfText(proof, pageIds, expected));
    for (const miss of report.verify.stories) {
      extraMessages.push(pageError(miss.page, `Text of story \`${miss.story}\` is missing from the PDF (${miss.missing} characters), first missing passage: “${miss.firstMissing}”`, 'missing-text'));
    }
  } else {
    extraMessages.push(pageError('', `Proof not written: ${pages.length - built.length} of ${pages.length} pages failed`, 'proof-incomplete'));
    // The good pages' plates are made all the same: wait for them and say where they are.
    await collectPlates();
  }
  report.messages.push(...extraMessages);
}

/** Compare each page with the previous build's image; write changes.html. */
async function recordChanges(
  built: LoadedPage[],
  results: Map<string, PageResult>,
  outDir: string,
  paper: string,
  dateText: string,
  builtAt: string,
): Promise<EditionReport['changes']> {
  const pages = built.flatMap((p) => {
    const result = results.get(p.config.id);
    return result?.pdf ? [{ id: p.config.id, pdf: result.pdf, hash: result.hash }] : [];
  });
  const [{ comparePages }, { writeChangesHtml }] = await Promise.all([import('./page-changes.js'), import('../report/changes-html.js')]);
  const changes = await comparePages(pages, { changesDir: join(outDir, 'changes') });
  await writeChangesHtml(changes, {
    title: `${paper} ${dateText}`,
    htmlPath: join(outDir, 'changes.html'),
    labels: Object.fromEntries(built.map((p) => [p.config.id, [p.config.section, adClients(p)].filter(Boolean).join(' · ')])),
    builtAt,
  });
  return changes
    .filter((c) => c.status !== 'unchanged')
    .map((c) => ({ page: c.page, status: c.status, changedPercent: c.changedPercent }));
}

function adsReport(page: LoadedPage): Pick<PageReport, 'ads'> {
  if (page.ads.length === 0) return {};
  const round = (mm: number) => Math.round(mm * 10) / 10;
  return {
    ads: page.ads.map((ad) => ({
      file: ad.config.file,
      client: ad.config.client ?? null,
      kind: ad.file.kind,
      box: ad.box,
      widthMm: round(ad.file.widthMm),
      heightMm: round(ad.file.heightMm),
      scale: Math.round(ad.scale * 10000) / 10000,
    })),
  };
}

/** Typography audit findings are warnings: they fail a `--strict` build. */
export function auditMessages(findings: TypographyFinding[]): ReportMessage[] {
  return findings.map((f) => ({
    severity: 'warning' as const,
    file: f.file,
    line: f.line ?? null,
    column: f.column ?? null,
    message: `${f.page} ${f.story || 'page'}: ${f.message} (“${f.text}”)`,
    ruleId: `typography/${f.rule}`,
    page: f.page,
    story: f.story,
  }));
}

function pageReport(id: string, template: string, result: PageResult | undefined, outDir: string): PageReport {
  return {
    id,
    template,
    pdf: result?.pdf ? relative(outDir, result.pdf) : null,
    plate: null,
    ok: Boolean(result?.pdf),
    stories: (result?.copyfit ?? []).map((c) => ({
      file: c.file,
      story: c.story,
      part: c.part,
      overset: { chars: c.overset.chars, lines: c.overset.lines },
      short: c.short,
      continuedOn: c.continuedOn ?? null,
      box: c.box,
      ...(c.fitted ? { fitted: c.fitted } : {}),
      ...(c.writeToFit ? { writeToFit: c.writeToFit } : {}),
      headline: c.headline,
      layout: c.layout,
    })),
    audit: (result?.audit ?? []).map(({ rule, story, text, message }) => ({ rule, story, text, message })),
    timings: result?.timings ? { ...result.timings } : null,
  };
}
