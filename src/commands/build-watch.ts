import { basename, join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { PACKAGE_ROOT } from '../util/package-root.js';
import type { EditionReport } from '../report/edition-report.js';
import { createArticleCache } from '../server/preview-article-cache.js';
import { watchSources, type SourceChanges, type SourceWatcher } from '../pipeline/watch-sources.js';
import { createWarmRenderer } from '../render/warm-tab.js';
import { createBuildSession, type BuildCommandOptions } from './build.js';

export interface RebuildEvent {
  edition: string;
  report: EditionReport;
  /** Pages rendered again (the rest came from the cache). */
  rendered: string[];
  /** Milliseconds from the first save of the batch to the plates being written; null without plates. */
  platesMs: number | null;
  /** Milliseconds from the save to the end of the build (proof merged, text verified). */
  doneMs: number;
}

export interface BuildWatch {
  /** Settles once the first build is done and every edition is watched. */
  ready: Promise<void>;
  /** A build is running now: stopping must abandon it rather than wait. */
  building(): boolean;
  close(): Promise<void>;
}

/**
 * `presswork build --watch`, for the desk at deadline: build every edition once, then rebuild
 * an edition whenever its articles, images, edition.yaml, the templates or the styles change.
 * The browser and its tabs stay warm (Paged.js stays parsed: a changed page is paginated again
 * in an open tab) and the page cache decides what to redo, so a changed story costs the render
 * of its pages and their plates, not the edition. Saves made during a build are
 * batched into the next one.
 */
export function watchBuilds(
  options: BuildCommandOptions,
  hooks: {
    onRebuild?: (event: RebuildEvent) => void;
    launch?: () => Promise<Browser>;
    /** A fresh tab per page, as a one-off build does (the benchmark's "before"). */
    freshTabs?: boolean;
  } = {},
): BuildWatch {
  const session = createBuildSession(options, hooks.launch);
  // Tabs stay open between rebuilds with Paged.js parsed: a changed page is paginated again in one.
  const warm = createWarmRenderer();
  const renderer = hooks.freshTabs ? undefined : warm.render;
  const watchers: SourceWatcher[] = [];
  const due = new Map<string, number>(); // edition dir → time of its first unbuilt save
  // Processed articles kept between builds (keyed by path); a changed image means figures must be checked again.
  const articles = createArticleCache();
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  let builds = 0; // running now: the first build, or a rebuild
  const counted = async <T>(run: () => Promise<T>): Promise<T> => {
    builds += 1;
    try {
      return await run();
    } finally {
      builds -= 1;
    }
  };

  const rebuild = async (dir: string) => {
    const savedAt = due.get(dir);
    if (savedAt === undefined || closed) return;
    due.delete(dir);
    let platesAt: number | undefined;
    const { reports } = await counted(() =>
      session.build([dir], {
        onStage: (stage) => stage === 'plates' && (platesAt = Date.now()),
        processArticle: articles.process,
        renderer,
      }),
    );
    const report = reports[0]!;
    const event: RebuildEvent = {
      edition: report.edition,
      report,
      rendered: report.pages.filter((p) => p.timings).map((p) => p.id),
      platesMs: platesAt === undefined ? null : platesAt - savedAt,
      doneMs: Date.now() - savedAt,
    };
    const plates = event.platesMs === null ? '' : `plates ${(event.platesMs / 1000).toFixed(1)} s, `;
    options.write(
      `${event.edition}: rebuilt after a save: ${event.rendered.length ? `rendered ${event.rendered.join(', ')}` : 'no page changed'}; ${plates}done ${(event.doneMs / 1000).toFixed(1)} s after the save\n`,
    );
    hooks.onRebuild?.(event);
  };

  const queue = (dir: string, changes: SourceChanges) => {
    if (!due.has(dir)) due.set(dir, changes.at);
    if (changes.kinds.has('asset')) articles.clear();
    chain = chain.then(() => rebuild(dir)).catch((error: Error) => options.write(`${basename(dir)}: rebuild failed: ${error.message}\n`));
  };

  const ready = (async () => {
    await counted(() => session.build(options.editions, { processArticle: articles.process, renderer }));
    for (const dir of options.editions) {
      const roots = { editionDir: dir, templatesDir: join(PACKAGE_ROOT, 'templates'), stylesDir: join(PACKAGE_ROOT, 'styles') };
      const watcher = watchSources(roots, (changes) => queue(dir, changes), {
        onError: (error) => options.write(`${basename(dir)}: watching failed: ${error.message}\n`),
      });
      watchers.push(watcher);
      await watcher.ready;
    }
    options.write(`watching ${options.editions.map((d) => basename(d)).join(', ')} for changes (Ctrl-C to stop)\n`);
  })();

  return {
    ready,
    building: () => builds > 0,
    async close() {
      closed = true;
      await ready.catch(() => undefined);
      await Promise.all(watchers.map((w) => w.close()));
      await chain;
      await warm.close();
      await session.close();
    },
  };
}
