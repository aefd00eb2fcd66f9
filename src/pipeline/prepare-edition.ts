import { join } from 'node:path';
import type { VFile } from 'vfile';
import { loadEdition, type Edition } from '../edition/load-edition.js';
import { processArticle } from '../markdown/process-article.js';
import type { FigureImage } from '../markdown/rehype-figures.js';
import { REPO_ROOT } from '../render/browser-assets.js';
import { FONT_FACES, fontPackageDir } from '../templates/fonts.js';
import { createEditionRenderer, type EditionRenderer } from '../templates/render-edition.js';
import { createEditionView, type EditionView } from '../templates/view-model.js';

export interface PreparedEdition {
  edition: Edition;
  files: VFile[];
  view: EditionView;
  render: EditionRenderer;
  /** Printed text per story id, for verification. */
  storyText: Map<string, string>;
  images: FigureImage[];
  /** The images each story uses, by story id: a changed photo re-renders only its pages. */
  imagesByStory: Map<string, FigureImage[]>;
  /** Paths of files with errors: their pages are not built. */
  brokenFiles: Set<string>;
}

/**
 * Steps 1–3 shared by build and preview: load and validate the edition, process every
 * article, and make the view model and compiled templates. Returns only the files when
 * the edition itself cannot be loaded.
 */
export async function prepareEdition(
  dir: string,
  time: <T>(stage: string, run: () => Promise<T>) => Promise<T> = (_, run) => run(),
  // The preview passes a caching wrapper, so a save re-processes only the changed article.
  process: typeof processArticle = processArticle,
): Promise<{ prepared?: PreparedEdition; files: VFile[] }> {
  const { edition, files } = await time('load', () => loadEdition(dir));
  if (!edition) return { files };
  const storyHtml = new Map<string, string>();
  const storyText = new Map<string, string>();
  const images: FigureImage[] = [];
  const imagesByStory = new Map<string, FigureImage[]>();
  await time('process', async () => {
    for (const story of edition.pages.flatMap((p) => p.stories)) {
      const result = await process(story.file, {
        root: edition.dir,
        urlPrefix: '/edition',
        autospace: edition.config.typography.autospace,
      });
      storyHtml.set(story.id, result.html);
      storyText.set(story.id, result.text);
      images.push(...result.images);
      imagesByStory.set(story.id, result.images);
    }
  });
  const render = await time('template', () => createEditionRenderer(join(REPO_ROOT, 'templates')));
  const view = createEditionView(edition, storyHtml, '/assets');
  const brokenFiles = new Set(files.filter((f) => f.messages.some((m) => m.fatal)).map((f) => f.path));
  return { prepared: { edition, files, view, render, storyText, images, imagesByStory, brokenFiles }, files };
}

/** The edition view cut down to one page, with handed-over jump text filled in. */
export function singlePageView(view: EditionView, pageId: string, handover: Map<string, string>): EditionView {
  const page = view.pages.find((p) => p.id === pageId);
  if (!page) throw new Error(`No page ${pageId} in the edition`);
  const stories = page.stories.map((s) => (s.part === 'cont' ? { ...s, html: handover.get(s.id) ?? '' } : s));
  return { ...view, pages: [{ ...page, stories }] };
}

/** What the loopback server exposes: built HTML and assets, the edition folder, the fonts. */
export function staticMounts(editionDir: string, htmlDir: string): Record<string, string> {
  const mounts: Record<string, string> = { '/html': htmlDir, '/assets': join(htmlDir, 'assets'), '/edition': editionDir };
  for (const face of FONT_FACES) mounts[`/fonts/${face.pkg}/files`] = join(fontPackageDir(face.pkg), 'files');
  return mounts;
}
