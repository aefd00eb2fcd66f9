import { PX_PER_PT, rowsFor, spanWidthPt, type BrowserGrid, type GridBox } from './geometry.js';
import { headlineScale, type HeadlineFit } from './headline-fit.js';

export interface VerticalLimits {
  /** Rows the headline may take from its top row when it is `cols` columns wide (down to a photo in them, or the foot of the box). */
  maxRowsFor(cols: number): number;
  /** Columns it may take: the body keeps at least one. */
  maxCols: number;
  maxLines: number;
  /** The size the desk gave: the size to start at, never grown beyond. */
  givenPt?: number;
  /** Steps of the scale up (+) or down (−) from the size that fits, for typography.fit. */
  shift?: number;
  /** A head the desk did not size may grow to fill its columns (see grown); off when the lines it takes are needed. */
  grow?: boolean;
}

interface Measured {
  sizePt: number;
  lines: number;
  cols: number;
  rows: number;
  widthPt: number;
}

/** A head grows up to this much over the template's size to fill its columns… */
const MAX_GROWTH = 2;
/** …until its lines fill this share of their width. */
const FILLED = 0.85;
/** A head whose left column holds less than this share of its width is a column of white: it steps down into one column less. */
const LEAST_IN_LEFT_COLUMN = 0.25;

export interface VerticalFit extends HeadlineFit {
  /** The headline's rectangle in box grid units: whole right-hand columns, whole lines. */
  box: GridBox;
}

/**
 * Size a vertical headline (竖排) and set it in the right-hand columns of a box of `boxCols`
 * columns, from row `row`: the template's (or the given) size when every phrase keeps to one
 * vertical line, there are at most `maxLines` of them, and they fit in the columns and rows
 * it may take; else the next sizes down the house scale. A head the desk did not size grows
 * to fill its columns (see grown); a sized one never grows. It is as tall as its longest
 * line. When nothing fits it is clipped to what it may take and `overflow` says why.
 */
export function fitVerticalHeadline(headline: HTMLElement, grid: BrowserGrid, boxCols: number, row: number, limits: VerticalLimits): VerticalFit {
  const title = headline.querySelector<HTMLElement>('.title');
  const pitch = grid.linePitchPt;
  const pitchPx = pitch * PX_PER_PT;
  const step = grid.columnWidthPt + grid.gutterPt;
  const place = (cols: number, rows: number): GridBox => ({ col: boxCols - cols, cols, row, rows });
  headline.style.top = `${row * pitch}pt`;
  headline.style.right = '0';
  // The longest vertical line it could have: the rows free in its last column.
  headline.style.maxHeight = `${limits.maxRowsFor(1) * pitch}pt`;
  const naturalPt = limits.givenPt ?? (title ? parseFloat(getComputedStyle(title).fontSize) / PX_PER_PT : 0);
  const measure = (sizePt: number) => {
    if (title) title.style.fontSize = `${sizePt}pt`;
    const rect = headline.getBoundingClientRect();
    const lineThickness = title ? parseFloat(getComputedStyle(title).lineHeight) : 1;
    const lines = title ? Math.round(title.getBoundingClientRect().width / lineThickness) : 0;
    const cols = Math.max(1, Math.ceil((rect.width / PX_PER_PT + grid.gutterPt) / step - 0.001));
    // The box is as tall as the room it may take; its text, as long as its longest line.
    const rows = rowsFor(grid, textBottom(headline) - rect.top + pitchPx / 3);
    return { sizePt, lines, cols, rows, widthPt: rect.width / PX_PER_PT };
  };
  const fits = (m: Measured) => m.lines <= limits.maxLines && m.cols <= limits.maxCols && m.rows <= limits.maxRowsFor(m.cols);
  const scale = headlineScale(naturalPt, limits.givenPt);
  let index = scale.findIndex((size) => size <= naturalPt + 0.01 && fits(measure(size)));
  if (index >= 0 && limits.givenPt === undefined) index = grown(scale, index, naturalPt, measure, fits, grid, limits.grow === true);
  if (index >= 0 && limits.shift) {
    // The fit search may take a step down to gain body lines, or up to fill them, in as many columns.
    const shifted = Math.max(0, Math.min(scale.length - 1, index - limits.shift));
    const at = measure(scale[shifted]!);
    if (fits(at) && at.cols === measure(scale[index]!).cols) index = shifted;
  }
  const chosen = measure(scale[index >= 0 ? index : scale.length - 1] ?? naturalPt);
  const result: VerticalFit = { rows: chosen.rows, sizePt: chosen.sizePt, naturalPt, lines: chosen.lines, maxLines: limits.maxLines, box: place(chosen.cols, chosen.rows) };
  if (index < 0 && title) {
    const cols = Math.min(chosen.cols, limits.maxCols);
    const maxRows = limits.maxRowsFor(cols);
    result.overflow =
      chosen.lines > limits.maxLines
        ? `${chosen.lines} vertical lines at ${chosen.sizePt} pt, more than ${limits.maxLines}`
        : chosen.cols > limits.maxCols
          ? `${columns(chosen.cols)} wide at ${chosen.sizePt} pt, the box leaves it ${limits.maxCols} beside the body`
          : `${chosen.rows} lines tall at ${chosen.sizePt} pt, the box leaves it ${maxRows}`;
    result.box = place(cols, Math.max(0, Math.min(chosen.rows, maxRows)));
    result.rows = result.box.rows;
    headline.style.overflow = 'hidden';
  }
  // Whole columns and whole lines: the body is carved round this rectangle.
  headline.style.maxHeight = '';
  headline.style.width = `${spanWidthPt(grid, result.box.cols)}pt`;
  headline.style.height = `${result.box.rows * pitch}pt`;
  headline.style.boxSizing = 'border-box';
  return result;
}

/**
 * A head the desk did not size, from the size at `index`, which fits: when `grow`, larger
 * sizes (up to twice the template's) while they fit in as many columns and its lines fill
 * less than 85 % of them; then, when its leftmost column would be nearly white, the largest
 * size that fits in fewer columns.
 */
function grown(scale: number[], index: number, naturalPt: number, measure: (sizePt: number) => Measured, fits: (m: Measured) => boolean, grid: BrowserGrid, grow: boolean): number {
  const fill = (m: Measured) => m.widthPt / spanWidthPt(grid, m.cols);
  const start = measure(scale[index]!);
  let best = index;
  for (let i = index - 1; grow && i >= 0 && scale[i]! <= naturalPt * MAX_GROWTH + 0.01 && fill(measure(scale[best]!)) < FILLED; i--) {
    const m = measure(scale[i]!);
    if (!fits(m) || m.cols !== start.cols) break;
    best = i;
  }
  const chosen = measure(scale[best]!);
  const inLeftColumn = (chosen.widthPt - spanWidthPt(grid, chosen.cols - 1) - grid.gutterPt) / grid.columnWidthPt;
  if (chosen.cols === 1 || inLeftColumn >= LEAST_IN_LEFT_COLUMN) return best;
  for (let i = best + 1; i < scale.length; i++) {
    const m = measure(scale[i]!);
    if (fits(m) && m.cols < chosen.cols) return i;
  }
  return best;
}

const columns = (n: number) => `${n} ${n === 1 ? 'column' : 'columns'}`;

/** Viewport y of the lowest glyph in `el`: where its longest vertical line ends. */
function textBottom(el: HTMLElement): number {
  const doc = el.ownerDocument;
  const range = doc.createRange();
  // Text only: the blocks that hold it are as tall as the room.
  const walker = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let bottom = el.getBoundingClientRect().top;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) bottom = Math.max(bottom, r.bottom);
  }
  return bottom;
}
