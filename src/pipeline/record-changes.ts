import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedPage } from '../edition/load-edition.js';
import type { EditionReport } from '../report/edition-report.js';
import { adClients } from './page-ads.js';
import type { PageImage, PageImageInput } from './page-changes.js';
import { plateThread } from './plate-thread.js';
import type { PageResult } from './render-pages.js';

export interface ChangeRecorder {
  /** Where the images go: a plate job given it makes the page's image from its ink raster. */
  readonly changesDir: string;
  /**
   * A page's PDF is written: its image for changes.html is rendered now, while other pages
   * still render, unless `fromPlate` (the page's plate job) brings one.
   */
  add(pageId: string, pdf: string, hash: string | undefined, fromPlate?: Promise<PageImage | undefined>): void;
  /** Compare each page with the previous build's image; write changes.html. */
  record(built: LoadedPage[], results: Map<string, PageResult>, paper: string, dateText: string, builtAt: string): Promise<EditionReport['changes']>;
  /** Remove the images rendered ahead that no comparison took (the build ended without a proof). */
  discard(): Promise<void>;
}

interface Ahead extends PageImageInput {
  image: Promise<PageImage | undefined>;
}

// Imported when first used: sharp and pixelmatch are slow to load.
const loadPageChanges = () => import('./page-changes.js');

export function startChangeRecorder(outDir: string, signal?: AbortSignal): ChangeRecorder {
  const changesDir = join(outDir, 'changes');
  const options = { changesDir, signal };
  const ahead = new Map<string, Ahead>();
  const take = (page: PageImageInput) => {
    const made = ahead.get(page.id);
    if (!made || made.pdf !== page.pdf || made.hash !== page.hash) return undefined;
    ahead.delete(page.id);
    return made.image;
  };
  return {
    changesDir,
    add(pageId, pdf, hash, fromPlate) {
      const page = { id: pageId, pdf, hash };
      // On the plate thread: pdftoppm's fork from this large process would hold up the tabs.
      // One at a time: the images are small, and Chromium needs the cores more.
      const rendered = () => plateThread().pageImage(page, { changesDir }, { signal, limit: 1 });
      // No image from the plate (reused, failed, or the kept image is pdftoppm's): pdftoppm's.
      const image = fromPlate ? fromPlate.then((made) => made ?? rendered(), rendered) : rendered();
      image.catch(() => undefined); // the comparison renders it again and reports the error
      ahead.set(pageId, { ...page, image });
    },
    async record(built, results, paper, dateText, builtAt) {
      const pages = built.flatMap((p) => {
        const result = results.get(p.config.id);
        return result?.pdf ? [{ id: p.config.id, pdf: result.pdf, hash: result.hash }] : [];
      });
      const [{ comparePages }, { writeChangesHtml }] = await Promise.all([loadPageChanges(), import('../report/changes-html.js')]);
      const changes = await comparePages(pages, options, take);
      await writeChangesHtml(changes, {
        title: `${paper} ${dateText}`,
        htmlPath: join(outDir, 'changes.html'),
        labels: Object.fromEntries(built.map((p) => [p.config.id, [p.config.section, adClients(p)].filter(Boolean).join(' · ')])),
        builtAt,
      });
      return changes
        .filter((c) => c.status !== 'unchanged')
        .map((c) => ({ page: c.page, status: c.status, changedPercent: c.changedPercent }));
    },
    async discard() {
      const left = [...ahead.values()];
      ahead.clear();
      await Promise.all(left.map(async ({ image }) => {
        const made = await image.catch(() => undefined);
        if (made) await rm(made.path, { force: true });
      }));
    },
  };
}
