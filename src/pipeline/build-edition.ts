import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Browser } from 'puppeteer-core';
import type { VFile } from 'vfile';
import type { Edition } from '../edition/load-edition.js';
import type { processArticle } from '../markdown/process-article.js';
import { registerTempDir, writeFileAtomic } from '../util/atomic-write.js';
import { pagedjsVersion, writeBrowserAssets } from '../render/browser-assets.js';
import type { EditionReport } from '../report/edition-report.js';
import { messagesFromFiles, pageError, type ReportMessage } from '../report/messages.js';
import { createWarmRenderer } from '../render/warm-tab.js';
import type { StaticServer } from '../render/static-server.js';
import { buildFailureMessage, collapseDiskFull } from './build-failure.js';
import { resolveBuildConfig, type BuildConfig, type BuildSettings } from './build-config.js';
import { deferredPlateMaker } from './deferred-plates.js';
import { expectedText } from './expected-text.js';
import type { PlateMaker } from './make-plates.js';
import { acquireOutputLock } from '../util/output-lock.js';
import { pageOutcomes } from './page-outcomes.js';
import { createPageFontSubsetter } from './page-fonts.js';
import { selectPages, type PageSelection } from './page-selection.js';
import { startChangeRecorder, type ChangeRecorder } from './record-changes.js';
import { removeStaleTemporaries } from './stale-temporaries.js';
import { prepareEdition, startEditionServer, staticMounts, type PreparedEdition } from './prepare-edition.js';
import { renderPages, type PageResult, type RenderPagesOptions } from './render-pages.js';
import type { StoryText, VerifyResult } from './verify-text.js';
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
  /** How a page is rendered: by default in warm tabs kept for the build (one per render worker); `renderPage` for a fresh tab per page. */
  renderer?: RenderPagesOptions['renderer'];
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
      await buildLocked({ dir, outDir, config, options, editionName: report.edition, builtAt: new Date(report.builtAt), time }, report, files);
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

/** What the build's steps share: the edition's folders, the settings, the stage timer. */
interface BuildContext {
  dir: string;
  outDir: string;
  config: BuildConfig;
  options: BuildOptions;
  editionName: string;
  builtAt: Date;
  time: <T>(name: string, run: () => Promise<T>) => Promise<T>;
}

/**
 * The build under the lock, as named steps: prepare, select, render (plates start as pages
 * come, and so do the pages' images for changes.html), merge the proof, finish the plates,
 * compare, verify. The steps return what they found; the report is filled in here and in
 * buildSelection only.
 */
async function buildLocked(ctx: BuildContext, report: EditionReport, files: VFile[]): Promise<void> {
  const { config } = ctx;
  const loaded = await prepareEdition(ctx.dir, ctx.time, ctx.options.processArticle, { fontCacheDir: config.fontCacheDir });
  markOnce('edition-prepared');
  throwIfCancelled(config.signal);
  files.push(...loaded.files);
  const prepared = loaded.prepared;
  if (!prepared) return;
  const { edition } = prepared;

  const selection = selectPages(edition, config);
  if (config.shard) report.shard = { ...config.shard, pages: selection.ids };
  const plating = config.proofOnly ? undefined : startPlates(ctx, edition);
  const changes = startChangeRecorder(ctx.outDir, config.signal);
  try {
    await buildSelection(ctx, report, prepared, selection, plating, changes);
  } finally {
    await changes.discard();
  }
}

/** Render the selected pages, then merge the proof, finish the plates, compare and verify. */
async function buildSelection(
  ctx: BuildContext,
  report: EditionReport,
  prepared: PreparedEdition,
  selection: PageSelection,
  plating: PlateMaker | undefined,
  changes: ChangeRecorder,
): Promise<void> {
  const { config } = ctx;
  const { edition } = prepared;
  const rendered = await renderSelection(ctx, prepared, selection, plating, (pageId, pdf, hash) => {
    // A plate made afresh brings the page's change image: its ink raster, rendered once.
    changes.add(pageId, pdf, hash, plating?.add(pageId, pdf, hash, changes.changesDir));
  });
  const outcome = pageOutcomes(selection.pages, rendered.results, ctx.dir, edition, ctx.outDir);
  report.pages = outcome.pages;
  Object.assign(report.timings, outcome.timings);
  const messages = [...selection.messages, ...rendered.messages, ...outcome.messages];

  const pdfs = selection.pages.map((p) => rendered.results.get(p.config.id)?.pdf).filter((p): p is string => Boolean(p));
  throwIfCancelled(config.signal);
  const complete = pdfs.length === selection.pages.length;
  // The plates, started as each page's PDF was written, finish while the proof is merged:
  // `build --watch` says when they are written, which is not after the merge.
  const plated = plating && ctx.time('plates', () => plating.finish(selection.ids));
  plated?.catch(() => undefined); // awaited below; a failed merge must not leave it unhandled
  const proof = complete ? await writeProof(ctx, prepared, selection, pdfs) : undefined;
  if (proof) report.pdf = relative(ctx.outDir, proof.path);
  else messages.push(pageError('', `Proof not written: ${selection.pages.length - pdfs.length} of ${selection.pages.length} pages failed`, 'proof-incomplete'));

  // Compared and verified while the last plates are made. Both settle before either's failure
  // goes on: the change images are discarded after this.
  const checked = proof && compareAndVerify(ctx, prepared, selection, rendered.results, changes, proof.bytes, report.builtAt);
  await Promise.allSettled([plated, checked]);
  // The good pages' plates are made even without a proof: say where they are.
  if (plated) {
    const plates = await plated;
    throwIfCancelled(config.signal); // its plates were stopped, not failed
    for (const page of report.pages) page.plate = plates.plates[page.id] ?? null;
    report.preflight = plates.preflight;
    // Plate and preflight time summed over plates, most of it spent while pages rendered.
    report.timings['plates.work'] = plates.preflight.reduce((sum, p) => sum + p.ms, 0);
    messages.push(...plates.messages);
  }
  if (checked) {
    ({ changes: report.changes, verify: report.verify } = await checked);
    throwIfCancelled(config.signal);
    messages.push(...missingTextMessages(report.verify));
  }
  report.messages.push(...messages);
}

/** The page images for changes.html, then the proof's text against the articles'. */
async function compareAndVerify(
  ctx: BuildContext,
  prepared: PreparedEdition,
  selection: PageSelection,
  results: Map<string, PageResult>,
  changes: ChangeRecorder,
  proof: Uint8Array,
  builtAt: string,
): Promise<{ changes: EditionReport['changes']; verify: VerifyResult }> {
  const recorded = await ctx.time('changes', () => changes.record(selection.pages, results, prepared.edition.config.paper, prepared.view.dateText, builtAt));
  throwIfCancelled(ctx.config.signal);
  const verify = await verifyProof(ctx, proof, selection, expectedText(selection.pages, results, prepared.storyText));
  return { changes: recorded, verify };
}

/** Plates start on each page as soon as its PDF is written, while other pages still render. */
function startPlates(ctx: BuildContext, edition: Edition): PlateMaker {
  const { config } = ctx;
  return deferredPlateMaker(async () =>
    (await import('./make-plates.js')).createPlateMaker(edition, ctx.outDir, ctx.builtAt, {
      reuseDir: config.plateCacheDir,
      concurrency: config.concurrency,
      signal: config.signal,
    }),
  );
}

/**
 * Write the page documents and their fonts, serve them on 127.0.0.1 and render the selected
 * pages; `onPdf` hears of each page PDF as it is written (plates and change images start on it).
 */
async function renderSelection(
  ctx: BuildContext,
  prepared: PreparedEdition,
  selection: PageSelection,
  plating: PlateMaker | undefined,
  onPdf: (pageId: string, pdf: string, hash: string | undefined) => void,
) {
  const { config, options } = ctx;
  const htmlDir = join(ctx.outDir, 'html');
  const pagesDir = join(ctx.outDir, 'pages');
  const fonts = await ctx.time('template', async () => {
    await mkdir(pagesDir, { recursive: true });
    await writeBrowserAssets(join(htmlDir, 'assets'), prepared.fonts);
    return createPageFontSubsetter(join(htmlDir, 'assets'), undefined, prepared.fonts);
  });
  const mounts = staticMounts(prepared.edition.dir, htmlDir);
  const server = await (options.server ?? startEditionServer)(mounts);
  // Each render worker keeps its tab for its next page: Paged.js and the layout stay parsed
  // (tests/pipeline/warm-build.test.ts: the pages print as in fresh tabs).
  const warm = options.renderer ? undefined : createWarmRenderer();
  try {
    const rendered = await ctx.time('render', () =>
      renderPages({
        prepared,
        editionName: ctx.editionName,
        origin: server.origin,
        htmlDir,
        pagesDir,
        browser: options.browser,
        timeouts: config.timeouts,
        concurrency: config.concurrency,
        cache: options.pageCache,
        fonts,
        only: selection.ids,
        hooks: options.hooks,
        renderer: options.renderer ?? warm?.render,
        openTabAhead: warm && ((browser) => warm.openAhead(browser, server.origin)),
        onPage: options.onPage,
        onPdf,
        signal: config.signal,
      }),
    );
    await fonts.prune().catch(() => undefined); // housekeeping: never fails a build
    return rendered;
  } catch (error) {
    // Cancelled (or failed): the plates already started end too (Ghostscript is killed) before the lock goes.
    await plating?.finish(selection.ids).catch(() => undefined);
    throw error;
  } finally {
    await warm?.close();
    if (!options.server) await server.close();
  }
}

/** Merge the page PDFs into the proof. A partial build (--pages, --shard) never overwrites the whole edition's proof. */
async function writeProof(ctx: BuildContext, prepared: PreparedEdition, selection: PageSelection, pdfs: string[]) {
  const { edition, view } = prepared;
  const { pages, ids } = selection;
  const path = join(ctx.outDir, selection.whole ? `${ctx.editionName}.pdf` : `${ctx.editionName}.${ids.join('-')}.pdf`);
  const { mergePagePdfs } = await import('./merge-pages.js');
  const bytes = await ctx.time('merge', () =>
    mergePagePdfs(
      pdfs,
      { width: edition.grid.widthMm, height: edition.grid.heightMm },
      {
        title: `${edition.config.paper} ${view.dateText}`,
        date: edition.config.date,
        pageIds: ids,
        pageTitles: Object.fromEntries(pages.map((p) => [p.config.id, p.config.section])),
        stories: pages.flatMap((p) => p.stories.map((s) => ({ title: s.frontMatter.title, page: p.config.id }))),
        author: edition.config.paper,
      },
    ),
  );
  await writeFileAtomic(path, bytes, { signal: ctx.config.signal });
  return { path, bytes };
}

/** Every character of every story must be in the proof's text (or counted as overset). */
async function verifyProof(ctx: BuildContext, proof: Uint8Array, selection: PageSelection, expected: StoryText[]): Promise<VerifyResult> {
  const { verifyPdfText } = await import('./verify-text.js');
  return ctx.time('verify', () => verifyPdfText(proof, selection.ids, expected));
}

function missingTextMessages(verify: VerifyResult): ReportMessage[] {
  return verify.stories.map((miss) =>
    pageError(miss.page, `Text of story \`${miss.story}\` is missing from the PDF (${miss.missing} characters), first missing passage: “${miss.firstMissing}”`, 'missing-text'),
  );
}
