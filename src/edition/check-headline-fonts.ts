import type { VFile } from 'vfile';
import type { Edition } from './load-edition.js';
import { reportError } from './parse-yaml.js';

/** Where a story's `headline.font` was given: its article's front matter or its entry in edition.yaml. */
export interface FieldPlace {
  file: VFile;
  place?: { line: number; column: number };
  inEdition: boolean;
}

/**
 * A headline's `font:` names a role the styles define: a built-in one or one the house style
 * adds (known only once the house style is loaded). Any other is an error at its field, and
 * the page is not built.
 */
export function checkHeadlineFonts(edition: Edition, roles: string[]): void {
  for (const page of edition.pages) {
    for (const story of page.stories) {
      const font = story.headline.font;
      if (font === undefined || roles.includes(font) || !story.headlineFontAt) continue;
      const { file, place, inEdition } = story.headlineFontAt;
      reportError(file, `Unknown font role \`${font}\` in \`headline.font\` of \`${story.config.file}\`; expected a role the styles or the house style define: ${roles.map((r) => `\`${r}\``).join(', ')}`, {
        place,
        ruleId: 'headline-font',
      });
      if (inEdition) edition.invalidPages.add(page.config.id);
      delete story.headline.font;
    }
  }
}
