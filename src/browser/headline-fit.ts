import { PX_PER_PT, rowsFor, type BrowserGrid } from './geometry.js';

/** The house scale of headline sizes in pt (初号 42, 小初 36, 一号 26, 小一 24, 二号 22, 小二 18, 三号 16, 四号 14). */
export const HEADLINE_SCALE_PT = [60, 54, 48, 42, 40, 36, 30, 26, 24, 22, 18, 16, 15, 14] as const;
/** Sizes above this get a little padding above and below (see measure). */
const LARGE_PT = 36;
/** A short title grows up to this much over the template's size to fill its measure. */
const MAX_GROWTH = 2;
/** Share of the box width a title line should fill before it stops growing. */
const FILLED = 0.85;

/** The size chosen for a headline at a box width and limits, kept across layout passes. */
const chosenSizes = new WeakMap<HTMLElement, Map<string, number>>();

/** The smallest size a headline steps down to before it is an error. */
export const MIN_HEADLINE_PT = 14;

export interface HeadlineFit {
  rows: number;
  sizePt: number;
  /** The size the template gives it. */
  naturalPt: number;
  lines: number;
  maxLines: number;
  /** Set when it fits neither the box's width nor its line limit at the smallest size. */
  overflow?: string;
}

export interface HeadlineLimits {
  /** Rows the headline may take at most (the box less the body lines it must leave). */
  maxRows: number;
  maxLines: number;
  /** Steps of the house scale up (+) or down (−) from the size that fits, for typography.fit. */
  shift?: number;
  /** A short title may grow to fill its measure (default); off when the lines it takes are needed. */
  grow?: boolean;
  /**
   * The size the desk gave (`headline: {size: 一号}`): the size to start at, stepped down only
   * when it does not fit, never grown beyond, and the least size when it is below 14 pt.
   */
  givenPt?: number;
}

/** The sizes a headline may take, largest first: the house scale and its own size, within its limits. */
export function headlineScale(naturalPt: number, givenPt?: number): number[] {
  const least = Math.min(MIN_HEADLINE_PT, givenPt ?? MIN_HEADLINE_PT);
  return [...new Set([...HEADLINE_SCALE_PT, naturalPt])].filter((s) => s >= least && s <= (givenPt ?? Infinity) + 0.01).sort((a, b) => b - a);
}

/**
 * What measuring a title found, kept across layout passes by headline and what decides it
 * (the story's width and classes, the air above the head): its template size and width,
 * and at each size its lines, rows and fill. A measure depends on the size alone, so a
 * pass with the same or other limits chooses again from these, unmeasured.
 */
interface Measured {
  naturalPx?: number;
  clientWidth?: number;
  sizes: Map<number, ReturnType<Measure>>;
  fills: Map<number, number>;
}

const measuredTitles = new WeakMap<HTMLElement, Map<string, Measured>>();

function measuredFor(headline: HTMLElement): Measured {
  const story = headline.parentElement;
  const key = JSON.stringify([story?.style.width, story?.className, headline.style.paddingTop]);
  const byKey = measuredTitles.get(headline) ?? new Map<string, Measured>();
  measuredTitles.set(headline, byKey);
  const known = byKey.get(key) ?? { sizes: new Map(), fills: new Map() };
  byKey.set(key, known);
  return known;
}

/**
 * Size the headline to its box: the template's (or the given) size when the title keeps to
 * the box's width and `maxLines`, else the next sizes down the house scale. The block takes whole body lines
 * (plus a third of a line of air under it) and, when nothing fits, is clipped to its rows
 * so that it never prints over the text below.
 */
export function fitHeadline(headline: HTMLElement, grid: BrowserGrid, limits: HeadlineLimits): HeadlineFit {
  const pitchPx = grid.linePitchPt * PX_PER_PT;
  const title = headline.querySelector<HTMLElement>('.title');
  const measureRows = () => rowsFor(grid, headline.getBoundingClientRect().height + pitchPx / 3);
  if (!title) return { rows: measureRows(), sizePt: 0, naturalPt: 0, lines: 0, maxLines: limits.maxLines };
  const measured = measuredFor(headline);
  // A given size is taken as given: the computed one is off by CSS px rounding.
  measured.naturalPx ??= parseFloat(getComputedStyle(title).fontSize);
  const naturalPt = limits.givenPt ?? measured.naturalPx / PX_PER_PT;
  const scale = headlineScale(naturalPt, limits.givenPt);
  const setSize = (sizePt: number) => {
    title.style.fontSize = `${sizePt}pt`;
    // Above 36 pt the glyphs reach far enough past a 1.3 line to touch the kicker: pad them.
    title.style.paddingBlock = sizePt > LARGE_PT ? '0.08em' : '';
  };
  // The size the search last measured, which the fill is read at (the title is set at `shown`).
  let current: number | undefined;
  let shown: number | undefined;
  const measure = (sizePt: number) => {
    current = sizePt;
    const known = measured.sizes.get(sizePt);
    if (known) return known;
    setSize(sizePt);
    shown = sizePt;
    const lineHeight = parseFloat(getComputedStyle(title).lineHeight);
    const padding = parseFloat(getComputedStyle(title).paddingTop) * 2;
    const lines = Math.round((title.getBoundingClientRect().height - padding) / lineHeight);
    const tooWide = title.scrollWidth > title.clientWidth + 1;
    const made = { sizePt, lines, rows: measureRows(), tooWide };
    measured.sizes.set(sizePt, made);
    return made;
  };
  const filled = () => {
    const known = measured.fills.get(current!);
    if (known !== undefined) return known;
    if (shown !== current) setSize(current!);
    shown = current;
    const made = fill(title);
    measured.fills.set(current!, made);
    return made;
  };
  const fits = (m: ReturnType<typeof measure>) => !m.tooWide && m.lines <= limits.maxLines && m.rows <= limits.maxRows;
  measured.clientWidth ??= title.clientWidth;
  const key = `${measured.clientWidth}|${limits.maxRows}|${limits.maxLines}|${limits.shift ?? 0}|${limits.grow !== false}|${limits.givenPt ?? ''}`;
  const known = chosenSizes.get(title)?.get(key);
  let index = known === undefined ? chooseSize(scale, naturalPt, measure, fits, filled, limits.shift ?? 0, limits.grow !== false) : scale.indexOf(known);
  if (known === undefined) {
    const sizes = chosenSizes.get(title) ?? new Map<string, number>();
    sizes.set(key, index >= 0 ? scale[index]! : -1);
    chosenSizes.set(title, sizes);
  }
  const chosen = measure(scale[index >= 0 ? index : scale.length - 1]!);
  setSize(chosen.sizePt);
  const result: HeadlineFit = { rows: chosen.rows, sizePt: chosen.sizePt, naturalPt, lines: chosen.lines, maxLines: limits.maxLines };
  if (index < 0) {
    result.overflow = chosen.tooWide
      ? `wider than its box at ${chosen.sizePt} pt`
      : chosen.lines > limits.maxLines
        ? `${chosen.lines} lines at ${chosen.sizePt} pt, more than ${limits.maxLines}`
        : `${chosen.rows} lines tall at ${chosen.sizePt} pt, the box leaves it ${limits.maxRows}`;
    result.rows = Math.max(0, Math.min(chosen.rows, limits.maxRows));
    headline.style.overflow = 'hidden';
  }
  return result;
}

type Measure = (sizePt: number) => { sizePt: number; lines: number; rows: number; tooWide: boolean };

/**
 * The index in `scale` of the size to set: the template's size or the first below it that
 * fits; a title that fits on as many lines at a larger size grows (up to 2×) until it
 * fills the measure, as a desk sizes a head to its column width. −1: nothing fits.
 */
function chooseSize(scale: number[], naturalPt: number, measure: Measure, fits: (m: ReturnType<Measure>) => boolean, filled: () => number, shift: number, grow: boolean): number {
  const first = scale.indexOf(naturalPt);
  let index = scale.findIndex((size, i) => i >= first && fits(measure(size)));
  if (index === first) {
    const { lines } = measure(naturalPt);
    for (let i = first - 1; grow && i >= 0 && scale[i]! <= naturalPt * MAX_GROWTH + 0.01 && filled() < FILLED; i--) {
      const m = measure(scale[i]!);
      if (!fits(m) || m.lines !== lines) break;
      index = i;
    }
  }
  if (index >= 0 && shift) {
    // The fit search may take a step down to gain body lines, or up to fill them.
    const shifted = Math.max(0, Math.min(scale.length - 1, index - shift));
    if (fits(measure(scale[shifted]!))) index = shifted;
  }
  return index;
}

/** How much of its box the title's widest line fills (0–1). */
function fill(title: HTMLElement): number {
  const range = title.ownerDocument.createRange();
  range.selectNodeContents(title);
  const rects = [...range.getClientRects()];
  if (rects.length === 0 || title.clientWidth === 0) return 1;
  const byLine = new Map<number, { left: number; right: number }>();
  for (const r of rects) {
    const key = Math.round(r.top);
    const line = byLine.get(key) ?? { left: r.left, right: r.right };
    byLine.set(key, { left: Math.min(line.left, r.left), right: Math.max(line.right, r.right) });
  }
  return Math.max(...[...byLine.values()].map((l) => l.right - l.left)) / title.clientWidth;
}
