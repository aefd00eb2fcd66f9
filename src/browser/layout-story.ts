import { flowIntoFrames, usedLines } from './flow.js';
import { balancedHeights, bandCapacity, carveFrames, type FrameSpec } from './frames.js';
import { PX_PER_PT, columnLeftPt, positionPt, rowsFor, spanWidthPt, type BrowserGrid, type GridBox } from './geometry.js';
import { fitHeadline, type HeadlineFit } from './headline-fit.js';
import { fitVerticalHeadline } from './vertical-headline.js';
import { isWholeBlock, placeBlocks, placementOf, withoutTooWide, type BlockSizes, type KnownSizes, type UnplacedBlock } from './place-blocks.js';
import { placeFigures } from './place-figures.js';
import { typesetBlocks, typesetInPlace, type LineFix } from './typography/index.js';

/** What typography.fit in edition.yaml lets the engine change to make a story fit. */
export interface FitLimits {
  tracking?: { min: number; max: number };
  headlineSteps?: number;
  figureLines?: number;
}

export interface StoryLayoutData {
  box: GridBox;
  figures?: GridBox[];
  jumpTo?: { page: string; part: string };
  jumpFrom?: { page: string; part: string };
  /** `rows: auto`: the box takes the lines its content needs, at most `maxRows`. */
  auto?: { maxRows: number };
  /** One of the stories stacked in `stack.box`, top to bottom. */
  stack?: { id: string; index: number; count: number; box: GridBox };
  fit?: FitLimits;
  /** `headline:` of the story: the size given (pt), the most lines, vertical (see templates/headline-view.ts). */
  headline?: { sizePt?: number; lines?: number; vertical?: boolean };
}

export interface Copyfit {
  story: string;
  part: 'main' | 'cont';
  page: string;
  file: string;
  overset: { chars: number; lines: number; text: string };
  short: { lines: number };
  continuedOn?: string;
  /** Text of the blocks handed to the continuation box. */
  jumpedChars?: number;
  /** The box as laid out, in page grid units (differs from edition.yaml for `rows: auto` and stacks). */
  box?: GridBox;
  /** What typography.fit changed. */
  fitted?: { trackingEm?: number; headlineSteps?: number; figureLines?: number; spacingLines?: number };
  /** Characters to cut or to add for the story to fit at its current settings. */
  writeToFit?: { cut?: number; add?: number };
  headline?: { sizePt: number; naturalPt: number; lines: number; overflow?: string; vertical?: GridBox };
  /** Boxes (notes, sidebars, tables) that fit nowhere whole, at their Markdown position. */
  blocks?: { message: string; src?: string; rule: UnplacedBlock['rule'] }[];
  /** Layout passes the story took (the fit search is bounded) and their time. */
  layout?: { passes: number; ms: number };
}

/** `（下转第4版）` for A-section pages, `（下转B2版）` elsewhere. */
export function pageName(id: string): string {
  const match = /^A(\d+)$/.exec(id);
  return match ? `第${match[1]}版` : `${id}版`;
}

/** The settings one layout pass uses; all zero is the story as the templates set it. */
export interface StorySettings {
  trackingEm: number;
  headlineSteps: number;
  figureLines: number;
  /** Extra lines of air above the headline (a stack's spare lines). */
  spacingLines: number;
  /** Whether a short title may grow to fill its measure (see headline-fit.ts). */
  growHeadline: boolean;
}

export const PLAIN: StorySettings = { trackingEm: 0, headlineSteps: 0, figureLines: 0, spacingLines: 0, growHeadline: true };

/** Settings the fit search has not touched (a stack's air aside). */
function isPlain(s: StorySettings): boolean {
  return s.trackingEm === 0 && s.headlineSteps === 0 && s.figureLines === 0;
}

/** One layout pass of a story at a height and settings. */
export interface StoryPass {
  rows: number;
  settings: StorySettings;
  /** Blocks that did not fit: jumped when the story has a jump, else overset. */
  rest: HTMLElement[];
  jumped: boolean;
  frames: HTMLElement[];
  /** Body lines the frames hold and the lines the text takes. */
  capacity: number;
  used: number;
  short: number;
  headline?: HeadlineFit & { vertical?: GridBox };
  unplaced: UnplacedBlock[];
  /** The lowest box row the text and the top and in-text boxes reach. */
  contentRows: number;
  /** Rows of the boxes set at the bottom of the story. */
  bottomRows: number;
  lineFixes: LineFix[];
}

/** A story's blocks as they came from the article, kept so that every pass starts afresh. */
export interface StorySource {
  el: HTMLElement;
  data: StoryLayoutData;
  blocks: HTMLElement[];
  lineRules: boolean;
  /** The pass the page shows, with the box and settings it was laid out at. */
  last?: { key: string; pass: StoryPass };
  /** The body as the line rules set it, by tracking (see typesetBody). */
  typeset: Map<number, { blocks: HTMLElement[]; fixes: LineFix[]; lines: number }>;
  /** What placing the whole blocks measured, by block, box width and tracking (see placeBlocks). */
  blockSizes: Map<string, BlockSizes>;
  /** The photos' natural heights, by photo and width (see placeFigures). */
  figureHeights: Map<string, number>;
  /** Layout passes this story has taken, and their time in ms (report.json, to keep the fit search honest). */
  passes: number;
  ms: number;
}

const GENERATED = 'pw-generated';
/**
 * Stories this many columns wide or wider set the byline at the head of their first column,
 * and a short title may grow to fill their measure: narrower ones leave no white to fill.
 */
const WIDE_FROM = 3;
/** Body lines a headline must leave to the text below it. */
const MIN_BODY_LINES = 2;

export function storySource(el: HTMLElement, blocks: HTMLElement[], lineRules: boolean): StorySource {
  const data = JSON.parse(el.dataset.layout ?? '{}') as StoryLayoutData;
  return { el, data, blocks: blocks.map((b) => b.cloneNode(true) as HTMLElement), lineRules, passes: 0, ms: 0, typeset: new Map(), blockSizes: new Map(), figureHeights: new Map() };
}

/**
 * What a pass left in the story: its own nodes, and the style and classes it gave the
 * story and the template's nodes (headline, byline). A later pass takes its nodes out but
 * never changes them, so putting them back shows the pass again exactly.
 */
interface Scene {
  key: string;
  generated: Element[];
  attributes: { node: Element; style: string | null; className: string | null }[];
}

const scenes = new WeakMap<StoryPass, Scene>();

function sceneOf(el: HTMLElement, key: string): Scene {
  const children = [...el.children];
  const template = [el, ...children.filter((c) => !c.classList.contains(GENERATED)).flatMap((c) => [c, ...c.querySelectorAll('*')])];
  return {
    key,
    generated: children.filter((c) => c.classList.contains(GENERATED)),
    attributes: template.map((node) => ({ node, style: node.getAttribute('style'), className: node.getAttribute('class') })),
  };
}

/**
 * Show `pass` again, as it was laid out, without laying it out: false when it cannot be
 * (a pass from before the story's last reset by the desk, or a copy of one).
 */
export function showPass(source: StorySource, pass: StoryPass): boolean {
  if (source.last?.pass === pass) return true;
  const scene = scenes.get(pass);
  if (!scene) return false;
  resetStory(source.el);
  for (const { node, style, className } of scene.attributes) {
    if (style === null) node.removeAttribute('style');
    else node.setAttribute('style', style);
    if (className === null) node.removeAttribute('class');
    else node.setAttribute('class', className);
  }
  source.el.append(...scene.generated);
  source.last = { key: scene.key, pass };
  return true;
}

/** Take away what an earlier pass set, so that the story is as the template made it. */
function resetStory(el: HTMLElement): void {
  for (const node of [...el.querySelectorAll(`:scope > .${GENERATED}`)]) node.remove();
  for (const node of el.querySelectorAll<HTMLElement>(':scope > .headline, :scope > .headline .title, :scope > .byline')) node.removeAttribute('style');
}

/** Where the story's box is on the page, in page grid units (1-based). */
export function setBox(source: StorySource, grid: BrowserGrid, box: GridBox): void {
  source.data.box = box;
  const el = source.el;
  el.style.top = `${(box.row - 1) * grid.linePitchPt}pt`;
  el.style.height = `${box.rows * grid.linePitchPt}pt`;
}

interface PassOptions {
  /** Bottom boxes go on with a jumping story's text instead of being placed here. */
  deferBottom?: boolean;
}

/** Where a pass puts everything but the body text, and the frames' room for it. */
interface PassPlan {
  box: GridBox;
  /** Box rows above the body: headline, jump line, byline. */
  row: number;
  own: <T extends HTMLElement>(node: T) => T;
  blocks: HTMLElement[];
  headline: StoryPass['headline'];
  headBoxes: GridBox[];
  bylineBox: GridBox[];
  figures: GridBox[];
  changedLines: number;
  placed: ReturnType<typeof placeBlocks>['placed'];
  unplaced: UnplacedBlock[];
  deferred: HTMLElement[];
  specs: FrameSpec[];
  capacity: number;
}

function planPass(source: StorySource, grid: BrowserGrid, settings: StorySettings, options: PassOptions): PassPlan {
  const { el, data } = source;
  const box = data.box;
  const pitch = grid.linePitchPt;
  const doc = el.ownerDocument;
  resetStory(el);
  el.style.setProperty('--tracking', `${settings.trackingEm}em`);
  const own = <T extends HTMLElement>(node: T): T => {
    node.classList.add(GENERATED);
    el.append(node);
    return node;
  };
  // The body's blocks stay the source's own, never changed here: a pass clones those it flows.
  const blocks = source.blocks.map((b) => (isBodyBlock(b) ? b : (b.cloneNode(true) as HTMLElement)));
  let row = 0;
  let headline: StoryPass['headline'];
  const style = data.headline ?? {};
  const headlineEl = el.querySelector<HTMLElement>(':scope > .headline');
  // A vertical head is a rectangle of the box's right-hand columns; the body flows round it.
  const headBoxes: GridBox[] = [];
  if (headlineEl) {
    // Stories below another get half a line of air under the rule; the block stays whole lines.
    headlineEl.style.paddingTop = `${box.row > 1 ? pitch / 2 : 0}pt`;
  }
  if (headlineEl && style.vertical) {
    const fit = fitVerticalHeadline(headlineEl, grid, box.cols, 0, {
      maxRowsFor: (cols) => freeRowsAtRight(data, cols),
      maxCols: box.cols - 1,
      // A vertical line for each phrase of the title, unless the style says fewer.
      maxLines: style.lines ?? Math.max(2, headlineEl.querySelectorAll('.title-part').length),
      givenPt: style.sizePt,
      shift: settings.headlineSteps,
      grow: settings.growHeadline,
    });
    const { box: headBox, ...sized } = fit;
    headline = { ...sized, vertical: headBox };
    headBoxes.push(headBox);
  } else if (headlineEl) {
    const maxLines = style.lines ?? (box.cols <= 2 || el.classList.contains('size-small') ? 3 : 2);
    const maxRows = blocks.length > 0 ? box.rows - MIN_BODY_LINES : box.rows;
    // A head the desk sized keeps to its size: it steps down to fit, never grows.
    const grow = settings.growHeadline && box.cols >= WIDE_FROM && style.sizePt === undefined;
    headline = fitHeadline(headlineEl, grid, { maxRows, maxLines, shift: settings.headlineSteps, grow, givenPt: style.sizePt });
    const rows = headline.rows + settings.spacingLines;
    // A stack's spare lines are air between stories: above the head, which stays by its text.
    if (settings.spacingLines > 0) headlineEl.style.paddingTop = `${(box.row > 1 ? pitch / 2 : 0) + settings.spacingLines * pitch}pt`;
    headlineEl.style.height = `${rows * pitch}pt`;
    headlineEl.style.boxSizing = 'border-box';
    headlineEl.style.display = 'flex';
    headlineEl.style.flexDirection = 'column';
    headlineEl.style.justifyContent = 'center';
    row += rows;
  }
  if (data.jumpFrom) {
    const from = own(doc.createElement('p'));
    from.className += ' jump-line jump-from';
    from.textContent = `（上接${pageName(data.jumpFrom.page)}）`;
    from.style.top = `${row * pitch}pt`;
    row += 1;
  }
  const byline = el.querySelector<HTMLElement>(':scope > .byline');
  // The columns left of a vertical head: the byline and the unplaced photos keep to them.
  const bodyCols = box.cols - (headBoxes[0]?.cols ?? 0);
  const inColumn = Boolean(byline) && bodyCols >= WIDE_FROM && !data.figures?.length;
  if (byline && !inColumn) {
    byline.classList.remove('byline-in-column');
    byline.style.top = `${row * pitch}pt`;
    if (headBoxes[0]) byline.style.right = `${spanWidthPt(grid, headBoxes[0].cols) + grid.gutterPt}pt`;
    row += bylineRows(el, byline, grid);
  }
  const { boxes: figures, changedLines } = placeFigures(el, grid, data, blocks.filter((b) => b.tagName === 'FIGURE').map(own), row, settings.figureLines, bodyCols, source.figureHeights);
  const bylineBox: GridBox[] = [];
  if (byline && inColumn) {
    // Wide stories open their first column with the byline (本报记者 …), as dailies set it:
    // under the photos that head the column, where its text starts. A page designed with
    // placed photos keeps it centred under the headline.
    byline.classList.add('byline-in-column');
    byline.style.width = `${grid.columnWidthPt}pt`;
    const rows = bylineRows(el, byline, grid);
    let top = row;
    while (figures.some((f) => f.col === 0 && top >= f.row && top < f.row + f.rows)) top++;
    byline.style.top = `${top * pitch}pt`;
    bylineBox.push({ col: 0, cols: 1, row: top, rows });
  }
  const whole = blocks.filter(isWholeBlock);
  const placements = whole.map((block) => ({ block, place: placementOf(block, blocks.indexOf(block), blocks.length) }));
  const deferred = options.deferBottom ? placements.filter((p) => p.place === 'bottom').map((p) => p.block) : [];
  // A block by its place in the article (a table part cut off in this pass has none).
  const sizeKey = (block: HTMLElement) => (blocks.includes(block) ? `${blocks.indexOf(block)}|${box.cols}|${settings.trackingEm}` : undefined);
  const known: KnownSizes = {
    of: (block) => source.blockSizes.get(sizeKey(block) ?? ''),
    keep: (block, sizes) => void (sizeKey(block) && source.blockSizes.set(sizeKey(block)!, sizes)),
  };
  const { placed, unplaced } = placeBlocks(el, grid, box.cols, row, box.rows, [...headBoxes, ...bylineBox, ...figures], placements.filter((p) => !deferred.includes(p.block)), known);
  for (const { block } of placed) own(block);
  const specs = carveFrames(box.cols, row, box.rows, [...headBoxes, ...bylineBox, ...figures, ...placed.map((p) => p.box)]);
  const capacity = specs.reduce((sum, s) => sum + s.rows, 0);
  return { box, row, own, blocks, headline, headBoxes, bylineBox, figures, changedLines, placed, unplaced, deferred, specs, capacity };
}

/** The room a pass gives its body text: the lines of its frames, and the frames (as JSON, to compare). */
export interface Room {
  capacity: number;
  frames: string;
  /** Boxes that found no place whole. */
  unplaced: number;
  /** The headline grew past its template size (see layoutPass: a story too long keeps that size). */
  headlineGrown: boolean;
}

/**
 * The room a pass at `settings` would give the text, found by placing the headline, photos
 * and boxes alone: the text is not laid out, so this costs a fraction of a pass. The story
 * is left half laid out: lay a pass out (or show one again) after it.
 */
export function roomAt(source: StorySource, grid: BrowserGrid, settings: StorySettings): Room {
  const plan = planAlone(source, grid, settings);
  return { capacity: plan.capacity, frames: JSON.stringify(plan.specs), unplaced: plan.unplaced.length, headlineGrown: grown(plan.headline) };
}

/** A head set larger than its template's size to fill its measure. */
function grown(headline: StoryPass['headline']): boolean {
  return Boolean(headline && headline.sizePt > headline.naturalPt + 0.01);
}

/**
 * Whether a pass's outcome can be told from its room and the body's typeset line count: the
 * line rules count the body, the story does not jump, and no table runs in its copy (whose
 * width only a pass checks).
 */
export function passesTellable(source: StorySource): boolean {
  return source.lineRules && !source.data.jumpTo && !source.blocks.some((b) => isBodyBlock(b) && b.querySelector('table'));
}

/** A pass's plan with no text laid out, which leaves the story half laid out (see roomAt). */
function planAlone(source: StorySource, grid: BrowserGrid, settings: StorySettings): PassPlan {
  const started = performance.now();
  const plan = planPass(source, grid, settings, {});
  source.last = undefined;
  source.ms += performance.now() - started;
  return plan;
}

/**
 * The rows a story takes at `settings` down to the end of its content (a pass's
 * `contentRows` and `bottomRows`), told without laying the text out: the first band's
 * frames cut to balance the body's typeset lines, filled in order, and under them the boxes
 * set at the bottom. That is what flowBalanced sets when the line rules have counted the
 * body and it ends well inside the first band; a keep rule can still move a line, so the
 * caller checks the answer on a real pass (a box at the bottom beside the text moves up with
 * the box's foot, and the text must still end above it). Undefined for any other pass: a
 * jump, a box placed nowhere, text that reaches the end of its band, a single column. The
 * story is left half laid out, as by roomAt.
 */
export function predictedStoryRows(source: StorySource, grid: BrowserGrid, settings: StorySettings): number | undefined {
  if (source.data.jumpTo || !source.lineRules) return undefined;
  const plan = planAlone(source, grid, settings);
  // The count is the work a skipped pass would have done: the story's layout time keeps it.
  const started = performance.now();
  const lines = typesetLines(source, grid, settings.trackingEm);
  source.ms += performance.now() - started;
  if (lines === undefined || plan.unplaced.length > 0) return undefined;
  const band = plan.specs.filter((s) => s.band === plan.specs[0]?.band);
  if (!balancesFromCount(band, lines)) return undefined;
  let left = lines;
  const textBottom = balancedHeights(band, lines).reduce((bottom, height, i) => {
    const used = Math.min(height, left);
    left -= used;
    return used > 0 ? Math.max(bottom, band[i]!.row + used) : bottom;
  }, plan.row);
  return Math.max(textBottom, ...topBoxesOf(plan).map((b) => b.row + b.rows)) + Math.max(0, ...bottomBoxesOf(plan).map((b) => b.rows));
}

/** The boxes a plan sets above or beside the text, which the story's content reaches down to. */
function topBoxesOf(plan: PassPlan): GridBox[] {
  return [...plan.headBoxes, ...plan.bylineBox, ...plan.figures, ...plan.placed.filter((p) => p.place === 'top').map((p) => p.box)];
}

/** The boxes a plan sets at the bottom of the story, under (or beside) the end of its text. */
function bottomBoxesOf(plan: PassPlan): GridBox[] {
  return plan.placed.filter((p) => p.place === 'bottom').map((p) => p.box);
}

/**
 * Lay out one story box: headline and byline in whole lines at the top, figures and whole
 * boxes on the grid, body text flowed through single-column frames and balanced so that
 * its columns end within a line of each other.
 */
export function layoutPass(source: StorySource, grid: BrowserGrid, settings: StorySettings, options: PassOptions = {}): StoryPass {
  const { el, data } = source;
  // The same box and settings as the pass on the page: that pass is the answer.
  const key = JSON.stringify([layoutBox(data), settings, options.deferBottom ?? false]);
  if (source.last?.key === key) return source.last.pass;
  source.passes++;
  const started = performance.now();
  const plan = planPass(source, grid, settings, options);
  const { box, row, own, blocks, headline, figures, changedLines, placed, unplaced, deferred, specs, capacity } = plan;
  const pitch = grid.linePitchPt;
  const pitchPx = pitch * PX_PER_PT;
  const doc = el.ownerDocument;
  const fixes: LineFix[] = [];
  if (source.lineRules) fixes.push(...typesetInPlace(el, ...placed.map((p) => p.block)));
  // A quote or list holding a table too wide for a column is reported, never clipped.
  const copy = withoutTooWide(el, grid, blocks.filter(isBodyBlock).map((b) => b.cloneNode(true) as HTMLElement), settings.trackingEm);
  unplaced.push(...copy.unplaced);
  const { body, fixes: bodyFixes, lines: bodyLines } = typesetBody(source, copy.body, settings.trackingEm, pitchPx);
  fixes.push(...bodyFixes);

  const frames = specs.map((spec) => {
    const frame = own(doc.createElement('div'));
    frame.className += ' frame';
    positionPt(frame, columnLeftPt(grid, spec.col), spec.row * pitch, grid.columnWidthPt, spec.rows * pitch);
    return frame;
  });
  const bottomBlocks = bottomBoxesOf(plan);
  const topBoxes = topBoxesOf(plan);
  const pass = (rest: HTMLElement[], jumped: boolean, shownUnplaced = unplaced): StoryPass => {
    source.ms += performance.now() - started;
    const linesIn = frames.map((frame) => usedLines([frame], pitchPx));
    const used = linesIn.reduce((a, b) => a + b, 0);
    const textBottom = specs.reduce((bottom, spec, i) => (linesIn[i]! > 0 ? Math.max(bottom, spec.row + linesIn[i]!) : bottom), row);
    const made: StoryPass = {
      rows: box.rows,
      // What the photos really changed: a photo stops growing at its resolution and its box.
      settings: { ...settings, figureLines: figures.length > 0 ? changedLines : 0 },
      rest: [...rest, ...deferred],
      jumped,
      frames,
      capacity,
      used,
      // Lines the balanced columns leave empty at the bottom of the box.
      short: jumped || rest.length > 0 ? 0 : capacity - used,
      headline,
      unplaced: shownUnplaced,
      contentRows: Math.max(textBottom, ...topBoxes.map((b) => b.row + b.rows)),
      bottomRows: Math.max(0, ...bottomBlocks.map((b) => b.rows)),
      lineFixes: fixes,
    };
    source.last = { key, pass: made };
    scenes.set(made, sceneOf(el, key));
    return made;
  };

  if (data.jumpTo && frames.length > 0) {
    // A jumping story gives up its last line to the jump line (下转).
    const last = frames[frames.length - 1]!;
    const fullHeight = last.style.height;
    last.style.height = `${parseFloat(fullHeight) - pitch}pt`;
    const rest = flowIntoFrames(body, frames, pitchPx);
    if (rest.length > 0 || deferred.length > 0) {
      const jumpLine = own(doc.createElement('p'));
      jumpLine.className += ' jump-line jump-to';
      jumpLine.textContent = `（下转${pageName(data.jumpTo.page)}）`;
      jumpLine.style.top = `${parseFloat(last.style.top) + parseFloat(last.style.height)}pt`;
      jumpLine.style.left = last.style.left;
      jumpLine.style.width = last.style.width;
      jumpLine.style.textAlign = 'right';
      // Boxes that found no room here go on with the text.
      return pass([...rest, ...unplaced.map((u) => u.block)], true, []);
    }
    last.style.height = fullHeight;
    for (const frame of frames) frame.replaceChildren();
  }
  const rest = flowBalanced(body, frames, specs, pitchPx, bodyLines);
  // A head grows into lines the text does not need, never into the ones it does: when the
  // story as set is too long, it keeps the template's size (and so do its fit passes).
  if (rest.length > 0 && settings.growHeadline && grown(headline) && isPlain(settings)) {
    return layoutPass(source, grid, { ...settings, growHeadline: false }, options);
  }
  return pass(rest, false);
}

/**
 * What of the story's box its layout depends on: its size and whether a story is above it
 * (the air under the rule). Photos placed on the page grid are set relative to the box, so
 * with them the whole box counts. A stack moves a story down once the stories above it are
 * fitted: the pass laid out at its size still stands.
 */
function layoutBox(data: StoryLayoutData): GridBox | { cols: number; rows: number; below: boolean } {
  return data.figures?.length ? data.box : { cols: data.box.cols, rows: data.box.rows, below: data.box.row > 1 };
}

/** Lines a byline takes, by what sets its width (the story's, its own class, right and width), kept across passes. */
const bylineLines = new WeakMap<HTMLElement, Map<string, number>>();

function bylineRows(story: HTMLElement, byline: HTMLElement, grid: BrowserGrid): number {
  const key = JSON.stringify([story.style.width, story.className, byline.className, byline.style.right, byline.style.width]);
  const known = bylineLines.get(byline) ?? new Map<string, number>();
  bylineLines.set(byline, known);
  const rows = known.get(key) ?? rowsFor(grid, byline.getBoundingClientRect().height);
  known.set(key, rows);
  return rows;
}

/**
 * Rows from the top of the box down to the first placed photo in its last `cols` columns
 * (or the foot of the box): what a vertical head there may take.
 */
function freeRowsAtRight(data: StoryLayoutData, cols: number): number {
  const { box } = data;
  const first = box.cols - cols;
  const below = (data.figures ?? [])
    .map((f) => ({ col: f.col - box.col, cols: f.cols, row: f.row - box.row }))
    .filter((f) => f.col < box.cols && f.col + f.cols > first)
    .map((f) => f.row);
  return Math.max(0, Math.min(box.rows, ...below));
}

/**
 * The body blocks with the line rules applied at the story's tracking. The rules work in a
 * one-column probe, so the result depends on the tracking only: it is worked out once per
 * tracking and cloned for every later pass.
 */
function typesetBody(source: StorySource, body: HTMLElement[], trackingEm: number, pitchPx: number): { body: HTMLElement[]; fixes: LineFix[]; lines?: number } {
  if (!source.lineRules) return { body, fixes: [] };
  const known = source.typeset.get(trackingEm);
  if (known) return { body: known.blocks.map((b) => b.cloneNode(true) as HTMLElement), fixes: known.fixes, lines: known.lines };
  const typeset = typesetBlocks(source.el, body, trackingEm);
  const lines = Math.round(typeset.heightPx / pitchPx);
  source.typeset.set(trackingEm, { blocks: body.map((b) => b.cloneNode(true) as HTMLElement), fixes: typeset.fixes, lines });
  // Out of the probe before it goes: the flow places them.
  for (const block of body) block.remove();
  typeset.release();
  return { body, fixes: typeset.fixes, lines };
}

/** Blocks that run in the body's frames: not the photos, not the boxes set whole. */
function isBodyBlock(block: HTMLElement): boolean {
  return block.tagName !== 'FIGURE' && !isWholeBlock(block);
}

/**
 * Body lines the story's text takes in one column at `trackingEm`, with the line rules
 * applied: the body a pass at that tracking flows, typeset once (see typesetBody), so the
 * fit search can predict a pass from it. Undefined when the line rules are off.
 */
export function typesetLines(source: StorySource, grid: BrowserGrid, trackingEm: number): number | undefined {
  if (!source.lineRules) return undefined;
  const known = source.typeset.get(trackingEm);
  if (known) return known.lines;
  const blocks = source.blocks.filter(isBodyBlock).map((b) => b.cloneNode(true) as HTMLElement);
  const { body } = withoutTooWide(source.el, grid, blocks, trackingEm);
  return typesetBody(source, body, trackingEm, grid.linePitchPt * PX_PER_PT).lines;
}

/**
 * Whether flowBalanced cuts the first band's frames straight from the body's line count:
 * the band has more than one column, and the text ends at least two lines before it does.
 */
function balancesFromCount(bandSpecs: FrameSpec[], lines: number): boolean {
  return new Set(bandSpecs.map((s) => s.col)).size > 1 && bandCapacity(bandSpecs) - lines >= 2;
}

/**
 * Flow band by band; in the band where the text ends, cut the frames so that its columns
 * end on the same row or one apart, the first columns taking the longer share. When the
 * line rules have counted the body's lines (`bodyLines`) and they end well inside the
 * first band, the greedy flow that would count them again is skipped.
 */
function flowBalanced(body: HTMLElement[], frames: HTMLElement[], specs: FrameSpec[], pitchPx: number, bodyLines?: number): HTMLElement[] {
  let queue = body;
  const bands = [...new Set(specs.map((s) => s.band))];
  for (const band of bands) {
    const indexes = specs.flatMap((s, i) => (s.band === band ? [i] : []));
    const bandFrames = indexes.map((i) => frames[i]!);
    const bandSpecs = indexes.map((i) => specs[i]!);
    const snapshot = queue.map((b) => b.cloneNode(true) as HTMLElement);
    const full = bandCapacity(bandSpecs);
    const columns = new Set(bandSpecs.map((s) => s.col)).size;
    let used = band === bands[0] && bodyLines !== undefined && balancesFromCount(bandSpecs, bodyLines) ? bodyLines : undefined;
    if (used === undefined) {
      queue = flowIntoFrames(queue, bandFrames, pitchPx);
      if (queue.length > 0) continue;
      used = usedLines(bandFrames, pitchPx);
      if (full - used < 2 || columns < 2) return queue;
    }
    const setHeights = (heights: number[]) =>
      bandFrames.forEach((frame, i) => {
        frame.replaceChildren();
        frame.style.height = `${(heights[i] ?? 0) * (pitchPx / PX_PER_PT)}pt`;
      });
    let tried = -1;
    // A few lines more than the greedy flow used cover the lines that keep rules move.
    for (let lines = used; lines <= Math.min(full, used + 4 + bandSpecs.length); lines++) {
      const heights = balancedHeights(bandSpecs, lines);
      const holds = heights.reduce((n, h) => n + h, 0);
      if (holds === tried) continue;
      tried = holds;
      setHeights(heights);
      const rest = flowIntoFrames(snapshot.map((b) => b.cloneNode(true) as HTMLElement), bandFrames, pitchPx);
      if (rest.length === 0) return rest;
    }
    setHeights(bandSpecs.map((s) => s.rows));
    queue = flowIntoFrames(snapshot, bandFrames, pitchPx);
    if (queue.length > 0) continue;
    return queue;
  }
  return queue;
}
