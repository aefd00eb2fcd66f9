import Handlebars from 'handlebars';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EditionView } from './view-model.js';

export type EditionRenderer = (view: EditionView) => string;

/**
 * Compile `templates/edition.hbs` with its page templates and partials, once.
 * Handlebars escapes every value; only the sanitised article HTML goes in raw (`{{{html}}}`).
 */
export async function createEditionRenderer(templatesDir: string): Promise<EditionRenderer> {
  const hbs = Handlebars.create();
  // Escape `<` in JSON so a story title can never close the script element.
  // A space in a Chinese headline separates its phrases: break lines there first.
  hbs.registerHelper('words', (text: unknown) => String(text ?? '').split(/[\s\u3000]+/).filter(Boolean));
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c'));
  for (const [folder, prefix] of [['partials', ''], ['pages', 'page-']] as const) {
    const dir = join(templatesDir, folder);
    for (const name of (await readdir(dir)).filter((f) => f.endsWith('.hbs'))) {
      hbs.registerPartial(prefix + basename(name, '.hbs'), await readFile(join(dir, name), 'utf8'));
    }
  }
  const template = hbs.compile(await readFile(join(templatesDir, 'edition.hbs'), 'utf8'), { strict: false });
  return (view) => template(view);
}
