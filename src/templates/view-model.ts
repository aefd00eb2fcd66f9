import { relative } from 'node:path';
import { boxRect, type GridBox, type ResolvedGrid } from '../edition/grid.js';
import type { EditionConfig } from '../edition/schema.js';
import type { Edition, LoadedPage, LoadedStory } from '../edition/load-edition.js';
import { paletteCssVars } from '../edition/palette.js';
import { chineseDate, lunarDate, weekday } from './dates.js';
import { headlineLayout, headlineStyleVars, verticalTitleParts, type HeadlineLayout, type TitleRun } from './headline-view.js';
import { pageTemplateLayout } from '../edition/page-templates.js';
import { storySizeClass } from '../edition/size-class.js';

/** What the browser layout needs to know about one story box. */
export interface StoryLayout {
  /** The box, in grid units. */
  box: GridBox;
  /** Explicit figure placements, in page grid units. */
  figures?: GridBox[];
  /** Main part: where the overset continues; continuation part: where it came from. */
  jumpTo?: { page: string; part: string };
  jumpFrom?: { page: string; part: string };
  /** `rows: auto`: the box is `box.rows` tall at most; the browser takes what the content needs. */
  auto?: { maxRows: number };
  /** A story in a stack: the stack's rectangle and the story's place in it. */
  stack?: { id: string; index: number; count: number; box: GridBox };
  /** typography.fit: what the browser may change to make the story fit. */
  fit?: NonNullable<EditionConfig['typography']['fit']>;
  /** The headline's given size, line limit and direction (headline: in front matter or edition.yaml). */
  headline?: HeadlineLayout;
}

export interface StoryView {
  id: string;
  part: 'main' | 'cont';
  file: string;
  classes: string;
  style: string;
  layout: StoryLayout;
  kicker?: string;
  title: string;
  /** A vertical title's phrases, as runs that stand upright or not. */
  verticalTitle?: TitleRun[][];
  subtitle?: string;
  byline?: string;
  html?: string;
}

/** A supplied ad's reserved frame: empty in the page HTML, the ad itself goes in after printing. */
export interface AdView {
  id: string;
  file: string;
  client?: string;
  style: string;
  box: GridBox;
}

export interface PageView {
  id: string;
  partial: string;
  section: string;
  credits: Record<string, string | undefined>;
  masthead?: { style: string };
  stories: StoryView[];
  ads: AdView[];
  edition: EditionHeader;
}

interface EditionHeader {
  paper: string;
  dateText: string;
  weekday: string;
  lunar: string;
  number?: number;
  sponsor?: string;
  pageCount: number;
}

export interface EditionView {
  paper: string;
  dateText: string;
  autospace: 'on' | 'off';
  /** `390mm 545mm`: Paged.js reads @page sizes literally, not through CSS variables. */
  pageSize: string;
  assetBase: string;
  /** The print build's per-page font subsets (see page-fonts.ts); absent in the preview. */
  pageFonts?: string;
  cssVars: Record<string, string>;
  config: unknown;
  pages: PageView[];
}

const pt = (value: number) => `${value}pt`;

export function gridCssVars(grid: ResolvedGrid): Record<string, string> {
  return {
    '--page-w': pt(grid.pageWidthPt),
    '--page-h': pt(grid.pageHeightPt),
    '--type-left': pt(grid.typeArea.left),
    '--type-top': pt(grid.typeArea.top),
    '--type-w': pt(grid.typeArea.width),
    '--type-h': pt(grid.typeArea.height),
    '--col-w': pt(grid.columnWidthPt),
    '--gutter': pt(grid.gutterPt),
    '--pitch': pt(grid.linePitchPt),
    '--body-size': pt(grid.bodySizePt),
    ...paletteCssVars(),
  };
}

function boxStyle(grid: ResolvedGrid, box: GridBox): string {
  const r = boxRect(grid, box);
  return `left:${pt(r.left)};top:${pt(r.top)};width:${pt(r.width)};height:${pt(r.height)}`;
}

function sizeClass(page: LoadedPage, story: LoadedStory, grid: ResolvedGrid): string {
  return storySizeClass(story.box, { columns: grid.columns, feature: page.config.template === 'feature' }, story.config.slot === 'ear');
}

function ruleClasses(box: GridBox): string[] {
  return [box.col > 1 ? 'rule-left' : '', box.row > 1 ? 'rule-top' : ''].filter(Boolean);
}

/** Stories after the first in a stack are ruled off from the one above. */
function stackRule(story: LoadedStory): string {
  return story.config.stack && story.config.stack.index > 0 && story.config.stack.box.row === 1 ? 'rule-top' : '';
}

function stackView(page: LoadedPage, story: LoadedStory): StoryLayout['stack'] {
  const stack = story.config.stack;
  return stack && { id: `${page.config.id}-${stack.id}`, index: stack.index, count: stack.count, box: stack.box };
}

/** A short jump head (转版标题): the main head's first phrase. */
export function jumpHead(title: string): string {
  return title.split(/[\s　]+/)[0] ?? title;
}

export function createEditionView(
  edition: Edition,
  htmlByStory: Map<string, string>,
  assetBase: string,
): EditionView {
  const { config, grid } = edition;
  const header: EditionHeader = {
    paper: config.paper,
    dateText: chineseDate(config.date),
    weekday: weekday(config.date),
    lunar: lunarDate(config.date),
    number: config.number,
    sponsor: config.sponsor,
    pageCount: config.pages.length,
  };
  const pages: PageView[] = edition.pages.map((page) => ({
    id: page.config.id,
    partial: `page-${page.config.template}`,
    section: page.config.section,
    credits: { ...config.credits, ...page.config.credits },
    masthead: mastheadView(page, grid),
    stories: [],
    ads: page.config.ads.map((ad, i) => ({ id: `${page.config.id}-ad-${i + 1}`, file: ad.file, client: ad.client, style: boxStyle(grid, ad.box), box: ad.box })),
    edition: header,
  }));
  const pageById = new Map(pages.map((p) => [p.id, p]));
  for (const [index, page] of edition.pages.entries()) {
    for (const story of page.stories) {
      const jump = story.config.continue;
      const file = relative(edition.dir, story.file.path);
      const fm = story.frontMatter;
      const vertical = story.headline.direction === 'vertical';
      pages[index]!.stories.push({
        id: story.id,
        part: 'main',
        file,
        classes: [sizeClass(page, story, grid), ...ruleClasses(story.box), stackRule(story), story.frontMatter.kind === 'house-ad' ? 'house-ad' : '', vertical ? 'head-vertical' : ''].filter(Boolean).join(' '),
        style: [boxStyle(grid, story.box), headlineStyleVars(story.headline)].filter(Boolean).join(';'),
        layout: {
          box: story.box,
          figures: story.config.figures,
          jumpTo: jump ? { page: jump.page, part: 'cont' } : undefined,
          auto: story.auto ? { maxRows: story.box.rows } : undefined,
          stack: stackView(page, story),
          fit: config.typography.fit,
          headline: headlineLayout(story.headline),
        },
        kicker: fm.kicker,
        title: fm.title,
        verticalTitle: vertical ? verticalTitleParts(fm.title) : undefined,
        subtitle: fm.subtitle && page.config.template === 'feature' ? `——${fm.subtitle}` : fm.subtitle,
        byline: fm.byline,
        html: htmlByStory.get(story.id) ?? '',
      });
      const target = jump && pageById.get(jump.page);
      if (!jump || !target) continue;
      target.stories.push({
        id: story.id,
        part: 'cont',
        file,
        classes: ['continuation', 'size-small', ...ruleClasses(jump.box)].join(' '),
        style: boxStyle(grid, jump.box),
        layout: { box: jump.box, jumpFrom: { page: page.config.id, part: 'main' } },
        title: jumpHead(fm.title),
      });
    }
  }
  return {
    paper: config.paper,
    dateText: header.dateText,
    autospace: config.typography.autospace ? 'on' : 'off',
    pageSize: `${grid.widthMm}mm ${grid.heightMm}mm`,
    assetBase,
    cssVars: gridCssVars(grid),
    config: { grid: { columns: grid.columns, rows: grid.rows, columnWidthPt: grid.columnWidthPt, gutterPt: grid.gutterPt, linePitchPt: grid.linePitchPt } },
    pages,
  };
}

function mastheadView(page: LoadedPage, grid: ResolvedGrid): PageView['masthead'] {
  const reserved = pageTemplateLayout(page.config.template, grid).reserved.find((r) => r.name === 'masthead');
  if (!reserved) return undefined;
  const r = boxRect(grid, reserved.box);
  // The masthead sits in the type area's coordinate space, like the stories.
  return {
    style: `left:${pt(grid.typeArea.left + r.left)};top:${pt(grid.typeArea.top + r.top)};width:${pt(r.width)};height:${pt(r.height - grid.linePitchPt / 2)}`,
  };
}
