import { dirname, join } from 'node:path';
import type { VFile } from 'vfile';
import { loadEdition, type Edition } from '../edition/load-edition.js';
import { processArticle } from '../markdown/process-article.js';
import type { FigureImage } from '../markdown/rehype-figures.js';
import { PACKAGE_ROOT } from '../util/package-root.js';
import { checkHeadlineFonts } from '../edition/check-headline-fonts.js';
import { createFontSet, definedFontRoles, type FontSet } from '../fonts/font-set.js';
import { loadHouseStyle } from '../fonts/load-house-style.js';
import { reportFontCoverage } from '../fonts/font-coverage-report.js';
import { applyCopyRule } from '../markdown/copy-characters.js';
import { FALLBACK_FONT, type FontFallback } from '../fonts/font-chain.js';
import { checkEditionGlyphs } from './check-edition-glyphs.js';
import { SUBSET_FONT_PATH } from './page-fonts.js';
import { startStaticServer, type StaticServer } from '../render/static-server.js';
import { FONT_FACES, fontPackageDir } from '../fonts/npm-fonts.js';
import { createEditionRenderer, type EditionRenderer } from '../templates/render-edition.js';
import { createEditionView, type EditionView } from '../templates/view-model.js';
import { userCacheDir } from '../util/package-root.js';

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
  /** The house fonts, the npm fonts and the fallback, with each role's chain. */
  fonts: FontSet;
}

/** Where converted house fonts are kept (by content) when the caller names no output folder. */
export const DEFAULT_FONT_CACHE = userCacheDir('house-fonts');

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
  options: { fontCacheDir?: string } = {},
): Promise<{ prepared?: PreparedEdition; files: VFile[] }> {
  const { edition, files } = await time('load', () => loadEdition(dir));
  if (!edition) return { files };
  const fonts = await time('fonts', async () => {
    const house = await loadHouseStyle(edition.dir, files[0]!, edition.config.house, options.fontCacheDir ?? DEFAULT_FONT_CACHE);
    if (house.file) files.push(house.file);
    const set = await createFontSet(house);
    checkEditionGlyphs(files[0]!, set.chains);
    return set;
  });
  checkHeadlineFonts(edition, definedFontRoles(fonts));
  const storyHtml = new Map<string, string>();
  const storyText = new Map<string, string>();
  const images: FigureImage[] = [];
  const imagesByStory = new Map<string, FigureImage[]>();
  const fallbacks: FontFallback[] = [];
  await time('process', async () => {
    const stories = edition.pages.flatMap((p) => p.stories);
    // All at once: an article's images are read off the main thread, and others parse meanwhile.
    const results = await Promise.all(
      stories.map((story) =>
        process(story.file, {
          root: edition.dir,
          urlPrefix: '/edition',
          autospace: edition.config.typography.autospace,
          copy: fonts.house.copy,
          fonts: fonts.chains,
          fontsDigest: fonts.digest,
        }),
      ),
    );
    for (const [i, story] of stories.entries()) {
      const result = results[i]!;
      // Front matter is printed from the loaded fields: the copy rule cleans them as it does the body.
      const fm = story.frontMatter;
      for (const key of ['title', 'kicker', 'subtitle', 'byline'] as const) if (fm[key]) fm[key] = applyCopyRule(fm[key], fonts.house.copy);
      storyHtml.set(story.id, result.html);
      storyText.set(story.id, result.text);
      fallbacks.push(...(result.fontFallbacks ?? []));
      images.push(...result.images);
      imagesByStory.set(story.id, result.images);
    }
  });
  const render = await time('template', () => createEditionRenderer(join(PACKAGE_ROOT, 'templates')));
  const view = createEditionView(edition, storyHtml, '/assets');
  reportFontCoverage(fonts.house, fallbacks);
  // house.yaml's own errors (a refused font) fail the build but stop no page: the role keeps its npm font.
  const brokenFiles = new Set(files.filter((f) => f !== fonts.house.file && f.messages.some((m) => m.fatal)).map((f) => f.path));
  return { prepared: { edition, files, view, render, storyText, images, imagesByStory, brokenFiles, fonts }, files };
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
  // The whole fallback font, for the preview (print pages load their own subsets).
  mounts['/fonts/fallback'] = dirname(FALLBACK_FONT);
  return mounts;
}

/** The loopback server for an edition's pages, on its `staticMounts`; the page font subsets stay in the browser's cache. */
export function startEditionServer(mounts: Record<string, string>): Promise<StaticServer> {
  return startStaticServer({ mounts, immutable: SUBSET_FONT_PATH });
}
