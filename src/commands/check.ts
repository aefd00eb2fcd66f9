import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { reporter } from 'vfile-reporter';
import { auditMessages } from '../pipeline/page-outcomes.js';
import { copyfitMessages } from '../pipeline/copyfit-messages.js';
import { describeCopyfit } from '../report/copyfit-text.js';
import { createPageFontSubsetter } from '../pipeline/page-fonts.js';
import { prepareEdition, startEditionServer, staticMounts } from '../pipeline/prepare-edition.js';
import { renderPages } from '../pipeline/render-pages.js';
import { writeBrowserAssets } from '../render/browser-assets.js';
import { createBrowserPool } from '../render/browser-pool.js';
import type { ReportMessage } from '../report/messages.js';
import { formatMessages } from '../report/terminal.js';

export interface CheckOptions {
  editions: string[];
  /** List the copy normalisation changes (info messages) and stop: no browser. */
  fixPreview: boolean;
  strict: boolean;
  log: (text: string) => void;
}

/**
 * Validate, lint and copyfit editions without writing PDFs: load and process every article,
 * then lay each page out in Chromium (no pagination, no printing) to measure copyfit and run
 * the typography audit. Prints vfile-style messages with file:line:column.
 */
export async function runCheck(options: CheckOptions): Promise<boolean> {
  let ok = true;
  const browsers = createBrowserPool();
  try {
    // One edition's failure (a library exception, a full disk) is its own: the next is still checked.
    const checkOne = async (dir: string): Promise<void> => {
      const { prepared, files } = await prepareEdition(dir);
      const fixes = files.filter((f) => f.messages.some((m) => m.source === 'presswork-cjk'));
      if (options.fixPreview) {
        for (const file of fixes) file.messages = file.messages.filter((m) => m.source === 'presswork-cjk');
        options.log(reporter(fixes, { quiet: true }) || `${relative(process.cwd(), dir)}: no copy changes`);
        return;
      }
      // Copy fixes are infos; `--fix-preview` lists them, a plain check shows what needs action.
      for (const file of files) file.messages = file.messages.filter((m) => m.fatal !== undefined && m.fatal !== null);
      options.log(reporter(files, { quiet: true }) || `${relative(process.cwd(), dir)}: edition and articles valid`);
      // Warnings from loading (empty-page, yaml-tag, …) fail a strict check as they fail a strict build.
      if (files.some((f) => f.messages.some((m) => m.fatal || (options.strict && m.fatal === false)))) ok = false;
      if (!prepared) return;
      const work = await mkdtemp(join(tmpdir(), 'presswork-check-'));
      const htmlDir = join(work, 'html');
      await writeBrowserAssets(join(htmlDir, 'assets'), prepared.fonts);
      const server = await startEditionServer(staticMounts(prepared.edition.dir, htmlDir));
      try {
        await browsers.browser(); // a browser that cannot start stops the check here, with its reason
        const { results, messages } = await renderPages({
          prepared,
          editionName: prepared.edition.name,
          origin: server.origin,
          htmlDir,
          pagesDir: work,
          browser: browsers.browser,
          fonts: await createPageFontSubsetter(join(htmlDir, 'assets'), undefined, prepared.fonts),
          layoutOnly: true,
        });
        const found: ReportMessage[] = [...messages];
        for (const page of prepared.edition.pages) {
          const result = results.get(page.config.id);
          for (const fit of result?.copyfit ?? []) {
            options.log(`  ${fit.page} ${fit.story}${fit.part === 'cont' ? ' (continued)' : ''}: ${describeCopyfit(fit)}`);
            found.push(...copyfitMessages(fit, dir, prepared.edition));
          }
          found.push(...auditMessages(result?.audit ?? []));
        }
        if (found.length > 0) options.log(formatMessages(found));
        if (found.some((m) => m.severity === 'error' || (options.strict && m.severity === 'warning'))) ok = false;
      } finally {
        await server.close();
        await rm(work, { recursive: true, force: true });
      }
    };
    for (const dir of options.editions) {
      await checkOne(dir).catch((error: unknown) => {
        options.log(`${relative(process.cwd(), dir)}: check stopped: ${(error as Error).message}`);
        ok = false;
      });
    }
  } finally {
    await browsers.close();
  }
  return ok;
}
