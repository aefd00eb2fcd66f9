import { basename, join } from 'node:path';
import { VFile } from 'vfile';
import { pageTemplateLayout } from './page-templates.js';
import { checkEmptyPages } from './empty-pages.js';
import { loadAds, type LoadedAd } from './load-ads.js';
import type { FieldPlace } from './check-headline-fonts.js';
import { mergeHeadlineStyles, type HeadlineStyle } from './headline-style.js';
import { boxInsideGrid, boxesOverlap, gridInputFor, resolveGrid, type GridBox, type ResolvedGrid } from './grid.js';
import { parseYamlWithSchema, reportError } from './parse-yaml.js';
import { PathEscapeError, resolveInside } from './paths.js';
import { MAX_ARTICLE_CHARS, TextFileError, readTextFile } from './read-text-file.js';
import { jumpGraph, type JumpGraph } from './jump-graph.js';
import {
  editionSchema,
  frontMatterSchema,
  type EditionConfig,
  type FrontMatter,
  type PageConfig,
  type StoryConfig,
} from './schema.js';

export interface LoadedStory {
  config: StoryConfig;
  /** Story id, unique in the edition: the file name without `.md`. */
  id: string;
  /** The article as a vfile (path and text); the Markdown stage adds its messages. */
  file: VFile;
  frontMatter: FrontMatter;
  /**
   * The box on this page, resolved from `box`, `slot` or the template's main slot; for
   * `rows: auto` the most rows it may take, for a story in a stack the stack's rectangle.
   */
  box: GridBox;
  /** `rows: auto`: the browser gives the box the lines its content needs, up to `box.rows`. */
  auto?: boolean;
  /** The headline's style: front matter's `headline:` with edition.yaml's on top. */
  headline: HeadlineStyle;
  /** Where `headline.font` was given, for checkHeadlineFonts. */
  headlineFontAt?: FieldPlace;
}

export interface LoadedPage {
  config: PageConfig;
  stories: LoadedStory[];
  /** Story files named in edition.yaml that could not be loaded: the page would lose text. */
  failedStories: string[];
  /** Supplied ads that loaded and fit their boxes (one that does not is an error on the page). */
  ads: LoadedAd[];
}

export interface Edition {
  /** Pages whose entry in edition.yaml has errors (overlaps, boxes off the grid, …): not built. */
  invalidPages: Set<string>;
  dir: string;
  /** Folder name, used for output paths. */
  name: string;
  config: EditionConfig;
  grid: ResolvedGrid;
  pages: LoadedPage[];
  /** The pages the stories' `continue` joins. */
  jumps: JumpGraph;
}

export interface LoadResult {
  edition?: Edition;
  /** Every file that was read, each carrying its messages. */
  files: VFile[];
}

type Locate = (path: (string | number)[]) => { line: number; column: number };

/**
 * Load and validate an edition. Never throws: whatever a library throws while reading it
 * becomes an error on edition.yaml, so one bad edition cannot stop a build of several.
 */
export async function loadEdition(dir: string, options: { configText?: string } = {}): Promise<LoadResult> {
  const configFile = new VFile({ path: join(dir, 'edition.yaml') });
  const files = [configFile];
  try {
    return { edition: await readEdition(dir, configFile, files, options.configText), files };
  } catch (error) {
    reportError(configFile, `Cannot load edition: ${(error as Error).message ?? String(error)}`, { ruleId: 'load-failed' });
    return { files };
  }
}

/** `configText`: edition.yaml as it would be (the layout desk checks an edit before writing it). */
async function readEdition(dir: string, configFile: VFile, files: VFile[], configText: string | undefined): Promise<Edition | undefined> {
  const configPath = configFile.path;
  let text: string;
  try {
    text = configText ?? (await readTextFile(configPath));
  } catch (error) {
    const known = error instanceof TextFileError ? error : undefined;
    const reason = known?.ruleId === 'missing-file' ? `\`edition.yaml\` ${known.message}` : (known?.message ?? String(error));
    reportError(configFile, `Cannot load edition: ${reason}`, { place: known?.place, ruleId: known?.ruleId ?? 'missing-file' });
    return undefined;
  }
  configFile.value = text;
  const { data: config, locate } = parseYamlWithSchema(configFile, text, editionSchema);
  if (!config) return undefined;

  const grid = resolveGrid(gridInputFor(config.format));
  checkPageIds(configFile, config, locate);
  checkStoriesPlacedOnce(configFile, config, locate);
  checkEmptyPages(configFile, config, locate);
  const pages: LoadedPage[] = [];
  for (const [pageIndex, page] of config.pages.entries()) {
    const stories: LoadedStory[] = [];
    const failedStories: string[] = [];
    for (const [storyIndex, story] of page.stories.entries()) {
      const at = locate(['pages', pageIndex, ...story.at, 'file']);
      const loaded = await loadStory(dir, story, at, configFile);
      if (loaded) files.push(loaded.file);
      const box = resolveBox(configFile, page, story, grid, locate, pageIndex);
      const auto = story.box?.rows === 'auto' || undefined;
      if (loaded?.frontMatter && box) {
        const locateEntry: Locate = (path) => locate(['pages', pageIndex, ...story.at, ...path]);
        const headline = storyHeadline(loaded, story, configFile, locateEntry);
        const inEdition = story.headline?.font !== undefined;
        const headlineFontAt = headline.font === undefined ? undefined : { file: inEdition ? configFile : loaded.file, place: (inEdition ? locateEntry : loaded.locate)?.(['headline', 'font']), inEdition };
        stories.push({ id: loaded.id, file: loaded.file, frontMatter: loaded.frontMatter, config: story, box, auto, headline, headlineFontAt });
      } else failedStories.push(story.file);
    }
    const ads = await loadAds(dir, page, pageIndex, grid, configFile, locate);
    pages.push({ config: page, stories, failedStories, ads });
  }
  resolveAutoRows(configFile, config, pages, grid, locate);
  checkPlacement(configFile, config, grid, locate, pages);
  return { dir, name: basename(dir), config, grid, pages, jumps: jumpGraph(pages), invalidPages: pagesWithErrors(configFile, config, locate) };
}

/** The pages whose lines in edition.yaml carry an error. */
function pagesWithErrors(file: VFile, config: EditionConfig, locate: Locate): Set<string> {
  const starts = config.pages.map((_, index) => locate(['pages', index]).line);
  const invalid = new Set<string>();
  for (const message of file.messages) {
    if (message.fatal !== true || !message.line) continue;
    const index = starts.findLastIndex((start) => start <= message.line!);
    if (index >= 0) invalid.add(config.pages[index]!.id);
  }
  return invalid;
}

function checkPageIds(file: VFile, config: EditionConfig, locate: Locate): void {
  const seen = new Map<string, number>();
  for (const [index, page] of config.pages.entries()) {
    const first = seen.get(page.id);
    if (first !== undefined) {
      const line = locate(['pages', first, 'id']).line;
      reportError(file, `Duplicate page id \`${page.id}\` in \`pages[${index}].id\`, already used by \`pages[${first}]\` on line ${line}; each page needs its own id`, {
        place: locate(['pages', index, 'id']),
        ruleId: 'duplicate-page',
      });
    } else {
      seen.set(page.id, index);
    }
  }
}

/** A story appears once; its overflow goes to a `continue` box, not a second placement. */
function checkStoriesPlacedOnce(file: VFile, config: EditionConfig, locate: Locate): void {
  const seen = new Map<string, string>();
  config.pages.forEach((page, pi) =>
    page.stories.forEach((story, si) => {
      const first = seen.get(story.file);
      if (first) {
        reportError(file, `\`${story.file}\` is placed twice (on ${first} and ${page.id}); use \`continue\` to jump a story to another page`, {
          place: locate(['pages', pi, ...story.at, 'file']),
          ruleId: 'duplicate-story',
        });
      }
      seen.set(story.file, page.id);
    }),
  );
}

async function loadStory(
  dir: string,
  story: StoryConfig,
  at: { line: number; column: number },
  configFile: VFile,
): Promise<LoadedArticle | undefined> {
  let path: string;
  try {
    path = resolveInside(dir, story.file);
  } catch (error) {
    if (!(error instanceof PathEscapeError)) throw error;
    reportError(configFile, `Article path ${error.message}`, { place: at, ruleId: 'path-escape' });
    return undefined;
  }
  const file = new VFile({ path });
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    if (!(error instanceof TextFileError)) throw error;
    if (error.ruleId === 'missing-file') {
      // Reported where the article is named, so the line points at the reference.
      reportError(configFile, `Article \`${story.file}\` ${error.message}; expected a Markdown file in the edition folder`, { place: at, ruleId: error.ruleId });
    } else {
      reportError(file, `Article \`${story.file}\`: ${error.message}`, { place: error.place, ruleId: error.ruleId });
    }
    return error.ruleId === 'missing-file' ? undefined : { id: storyId(story.file), file };
  }
  file.value = text;
  if (text.length > MAX_ARTICLE_CHARS) {
    reportError(file, `Article is ${text.length} characters long, over the limit of ${MAX_ARTICLE_CHARS}; split it or check for a paste accident`, {
      ruleId: 'article-too-long',
    });
    return { id: storyId(story.file), file };
  }
  return { id: storyId(story.file), file, ...parseFrontMatter(file, text) };
}

interface LoadedArticle {
  id: string;
  file: VFile;
  frontMatter?: FrontMatter;
  /** Where a front matter field is in the article. */
  locate?: Locate;
}

/**
 * The story's headline style. A vertical headline takes columns of a box of its own: in a
 * stack or a `rows: auto` box, whose height comes from the story, it is an error (and the
 * head is taken as set across, so the edition's other pages lay out as before).
 */
function storyHeadline(article: LoadedArticle, story: StoryConfig, configFile: VFile, locateEntry: Locate): HeadlineStyle {
  const headline = mergeHeadlineStyles(article.frontMatter?.headline, story.headline);
  const shared = story.stack ? 'is in a stack' : story.box?.rows === 'auto' ? 'has `rows: auto`' : undefined;
  if (headline.direction !== 'vertical' || !shared) return headline;
  const fromEdition = story.headline?.direction === 'vertical';
  const field = ['headline', 'direction'];
  reportError(
    fromEdition ? configFile : article.file,
    `\`${story.file}\` has a vertical headline (\`headline.direction: vertical\`) but ${shared}; a vertical headline needs a box of fixed rows of its own: give it one, or set the head across`,
    { place: fromEdition ? locateEntry(field) : article.locate?.(field), ruleId: 'headline-vertical-box' },
  );
  return { ...headline, direction: 'horizontal' };
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

function parseFrontMatter(file: VFile, text: string): { frontMatter?: FrontMatter; locate?: Locate } {
  if (text.trim() === '') {
    reportError(file, `Article is empty (${text.length === 0 ? 'no characters' : 'only white space'}); expected front matter with a \`title:\` and the story text`, {
      place: { line: 1, column: 1 },
      ruleId: 'empty-article',
    });
    return {};
  }
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    reportError(file, 'Missing front matter: the article must start with `---`, a `title:` line and `---`', {
      place: { line: 1, column: 1 },
      ruleId: 'front-matter',
    });
    return {};
  }
  const { data: parsed, locate } = parseYamlWithSchema(file, match[1] ?? '', frontMatterSchema, 1);
  if (parsed && text.slice(match[0].length).trim() === '') {
    reportError(file, 'Article body is empty: found front matter but no text below it; expected the story text after the closing `---`', {
      place: { line: text.slice(0, match[0].length).split('\n').length, column: 1 },
      ruleId: 'empty-article',
    });
    return {};
  }
  return { frontMatter: parsed, locate };
}

function storyId(file: string): string {
  return basename(file).replace(/\.md$/i, '');
}

function resolveBox(
  file: VFile,
  page: PageConfig,
  story: StoryConfig,
  grid: ResolvedGrid,
  locate: Locate,
  pageIndex: number,
): GridBox | undefined {
  if (story.stack) return story.stack.box;
  // `rows: auto` starts one row tall; resolveAutoRows gives it the room below it.
  if (story.box) return { ...story.box, rows: story.box.rows === 'auto' ? 1 : story.box.rows };
  const slots = pageTemplateLayout(page.template, grid).slots;
  const name = story.slot ?? 'main';
  const box = slots[name];
  if (!box) {
    reportError(file, `Unknown slot \`${name}\` for template \`${page.template}\`; expected one of ${Object.keys(slots).join(', ')}`, {
      place: locate(['pages', pageIndex, ...story.at, 'slot']),
      ruleId: 'unknown-slot',
    });
  }
  return box;
}

/** Rows an auto box needs at the least: a headline and a couple of lines. */
const MIN_AUTO_ROWS = 4;

/**
 * `rows: auto` boxes reach down to the next box in their columns (or the foot of the grid);
 * the browser then gives them the lines their content needs. No room is an error.
 */
function resolveAutoRows(file: VFile, config: EditionConfig, pages: LoadedPage[], grid: ResolvedGrid, locate: Locate): void {
  pages.forEach((page, pi) => {
    const fixed: GridBox[] = [
      ...pageTemplateLayout(page.config.template, grid).reserved.map((r) => r.box),
      ...page.stories.filter((s) => !s.auto).map((s) => s.box),
      ...page.config.ads.map((a) => a.box),
      ...config.pages.flatMap((p) => p.stories.flatMap((s) => (s.continue?.page === page.config.id ? [s.continue.box] : []))),
    ];
    for (const story of page.stories.filter((s) => s.auto)) {
      const { col, cols, row } = story.box;
      const below = fixed.filter((b) => b.col < col + cols && col < b.col + b.cols && b.row > row).map((b) => b.row);
      const rows = Math.min(grid.rows + 1, ...below) - row;
      story.box = { ...story.box, rows: Math.max(1, rows) };
      fixed.push(story.box);
      if (rows < MIN_AUTO_ROWS) {
        reportError(file, `Box of \`${story.config.file}\` on ${page.config.id} has \`rows: auto\` but only ${Math.max(0, rows)} ${rows === 1 ? 'row' : 'rows'} below row ${row} in ${describeColumns(story.box)} before ${rows + row > grid.rows ? 'the foot of the page' : `the box at row ${row + rows}`}; move it up or give it a number of rows`, {
          place: locate(['pages', pi, ...story.config.at, 'box', 'rows']),
          ruleId: 'auto-no-room',
        });
      }
    }
  });
}

/** `columns 7–9, rows 1–20`: a box as the grid cells it covers. */
function describeBox(box: GridBox): string {
  return `${describeColumns(box)}, ${box.rows === 1 ? 'row' : 'rows'} ${span(box.row, box.rows)}`;
}

/** `columns 7–9`. */
function describeColumns({ col, cols }: { col: number; cols: number }): string {
  return `${cols === 1 ? 'column' : 'columns'} ${span(col, cols)}`;
}

function span(from: number, count: number): string {
  return count === 1 ? `${from}` : `${from}–${from + count - 1}`;
}

interface PlacedBox {
  label: string;
  box: GridBox;
  path: (string | number)[];
}

/** Boxes must lie on the grid and not overlap each other or the template's reserved areas. */
function checkPlacement(file: VFile, config: EditionConfig, grid: ResolvedGrid, locate: Locate, pages: LoadedPage[]): void {
  // Keyed by the page's index, not its id: two pages with the same id (reported on their
  // own) must not be told that their boxes overlap.
  const byPage = new Map<number, PlacedBox[]>();
  const add = (pageIndex: number, placed: PlacedBox) => {
    const pageId = config.pages[pageIndex]!.id;
    if (!boxInsideGrid(grid, placed.box)) {
      reportError(
        file,
        `Box of ${placed.label} on ${pageId} covers ${describeBox(placed.box)}, outside the grid; expected columns 1–${grid.columns} and rows 1–${grid.rows}`,
        { place: locate(placed.path), ruleId: 'box-outside-grid' },
      );
    }
    const list = byPage.get(pageIndex) ?? [];
    list.push(placed);
    byPage.set(pageIndex, list);
  };
  const pageIndex = (id: string) => config.pages.findIndex((p) => p.id === id);
  for (const [pi, page] of config.pages.entries()) {
    for (const reserved of pageTemplateLayout(page.template, grid).reserved) {
      add(pi, { label: `the ${reserved.name}`, box: reserved.box, path: ['pages', pi, 'template'] });
    }
    for (const story of page.stories) {
      const loaded = pages[pi]?.stories.find((s) => s.config === story);
      if (story.box && loaded) add(pi, { label: `\`${story.file}\``, box: loaded.box, path: ['pages', pi, ...story.at, 'box'] });
      // A stack is one box, named by its first story.
      if (story.stack?.index === 0) add(pi, { label: `the stack of \`${story.file}\``, box: story.stack.box, path: ['pages', pi, ...story.at.slice(0, 2), 'stack'] });
      const jump = story.continue;
      if (!jump) continue;
      const path = ['pages', pi, ...story.at, 'continue', 'page'];
      if (pageIndex(jump.page) < 0) {
        reportError(file, `\`${story.file}\` continues on page \`${jump.page}\`, which is not in the edition`, {
          place: locate(path),
          ruleId: 'unknown-page',
        });
      } else if (jump.page === page.id) {
        reportError(file, `\`${story.file}\` continues on its own page ${page.id}; a jump must go to another page`, {
          place: locate(path),
          ruleId: 'jump-same-page',
        });
      } else {
        add(pageIndex(jump.page), { label: `the continuation of \`${story.file}\``, box: jump.box, path: [...path.slice(0, -1), 'box'] });
      }
    }
    // Ads are fixed boxes like any other (after the stories, so an overlap is reported at the ad).
    page.ads.forEach((ad, ai) => add(pi, { label: `the ad \`${ad.file}\``, box: ad.box, path: ['pages', pi, 'ads', ai, 'box'] }));
  }
  for (const [index, boxes] of byPage) {
    const pageId = config.pages[index]!.id;
    boxes.forEach((a, i) =>
      boxes.slice(i + 1).forEach((b) => {
        if (boxesOverlap(a.box, b.box)) {
          reportError(file, `Boxes overlap on ${pageId}: ${b.label} (${describeBox(b.box)}) overlaps ${a.label} (${describeBox(a.box)})`, {
            place: locate(b.path),
            ruleId: 'box-overlap',
          });
        }
      }),
    );
  }
}
