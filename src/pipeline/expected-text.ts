import type { LoadedPage } from '../edition/load-edition.js';
import type { PageResult } from './render-pages.js';
import type { StoryText } from './verify-text.js';

/**
 * What the proof must say, story by story: its heads and printed text, on the pages its parts
 * landed on, less what the report already counts as overset.
 */
export function expectedText(pages: LoadedPage[], results: Map<string, PageResult>, storyText: Map<string, string>): StoryText[] {
  const fitsOf = (story: string) => [...results.values()].flatMap((r) => r.copyfit).filter((c) => c.story === story);
  return pages.flatMap((page) =>
    page.stories.map((story) => {
      const fits = fitsOf(story.id);
      const fm = story.frontMatter;
      return {
        story: story.id,
        page: page.config.id,
        pages: fits.map((f) => f.page),
        text: [fm.kicker, fm.title, fm.subtitle, fm.byline, storyText.get(story.id)].filter(Boolean).join('\n'),
        oversetText: fits.map((f) => f.overset.text).join(''),
      };
    }),
  );
}
