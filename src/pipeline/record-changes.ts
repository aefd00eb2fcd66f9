import { join } from 'node:path';
import type { LoadedPage } from '../edition/load-edition.js';
import type { EditionReport } from '../report/edition-report.js';
import { adClients } from './page-ads.js';
import type { PageResult } from './render-pages.js';

/** Compare each page with the previous build's image; write changes.html. */
export async function recordChanges(
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
  // Imported when first used: sharp and pixelmatch are slow to load.
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
