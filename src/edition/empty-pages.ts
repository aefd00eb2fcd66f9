import type { VFile } from 'vfile';
import type { EditionConfig } from './schema.js';

/**
 * A page that holds no story and receives no jump prints blank under its folio: most
 * likely a page whose `stories:` was forgotten or lost in an edit. A warning, so that
 * `--strict` (the nightly build) fails on it.
 */
export function checkEmptyPages(
  file: VFile,
  config: EditionConfig,
  locate: (path: (string | number)[]) => { line: number; column: number },
): void {
  const jumpTargets = new Set(config.pages.flatMap((page) => page.stories.flatMap((story) => (story.continue ? [story.continue.page] : []))));
  for (const [index, page] of config.pages.entries()) {
    if (page.stories.length > 0 || page.ads.length > 0 || jumpTargets.has(page.id)) continue;
    const message = file.message(`Page ${page.id} has no stories and no story continues on it, so it prints empty; add its \`stories:\` or remove the page`, {
      place: locate(['pages', index, 'id']),
      ruleId: 'empty-page',
      source: 'presswork',
    });
    message.fatal = false;
  }
}
