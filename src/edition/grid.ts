/**
 * Page geometry: the one place where trim, margins, columns and body lines are computed.
 * Templates, CSS variables and the browser layout all read the ResolvedGrid.
 */
export const PT_PER_MM = 72 / 25.4;

export interface GridInput {
  /** Trim width and height in mm. */
  widthMm: number;
  heightMm: number;
  columns: number;
  /** Body characters per column. */
  charsPerColumn: number;
  /** Body font size in pt (9 pt = 小五). */
  bodySizePt: number;
  /** Gutter between columns in body characters. */
  gutterChars: number;
  /** Body line pitch as a multiple of the body size. */
  lineHeight: number;
  /** Space above the type area for the folio (报眉) or masthead, in mm. */
  headMm: number;
  /** Space below the type area for the credits line, in mm. */
  footMm: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface GridBox {
  col: number;
  cols: number;
  row: number;
  rows: number;
}

export interface ResolvedGrid extends GridInput {
  pageWidthPt: number;
  pageHeightPt: number;
  columnWidthPt: number;
  gutterPt: number;
  linePitchPt: number;
  /** Whole body lines in the type area. */
  rows: number;
  /** The type area on the page, in pt from the trim's top-left corner. */
  typeArea: Rect;
}

export const FORMAT_PRESETS = {
  // 对开: 8 columns of 13 characters, 111 characters = 999 pt type area.
  broadsheet: { widthMm: 390, heightMm: 545, columns: 8, charsPerColumn: 13, headMm: 24, footMm: 16 },
  // 四开: 6 columns of 12 characters.
  tabloid: { widthMm: 273, heightMm: 390, columns: 6, charsPerColumn: 12, headMm: 20, footMm: 13 },
} as const;

export type FormatName = keyof typeof FORMAT_PRESETS;

const BODY_DEFAULTS = { bodySizePt: 9, gutterChars: 1, lineHeight: 1.6 };

/** A custom page size gets as many 13-character columns as fit with at least 15 mm side margins. */
export function customGridInput(widthMm: number, heightMm: number): GridInput {
  const charsPerColumn = 13;
  const { bodySizePt, gutterChars } = BODY_DEFAULTS;
  const usable = (widthMm - 30) * PT_PER_MM;
  const columnPt = charsPerColumn * bodySizePt;
  const gutterPt = gutterChars * bodySizePt;
  const columns = Math.max(1, Math.floor((usable + gutterPt) / (columnPt + gutterPt)));
  return { ...BODY_DEFAULTS, widthMm, heightMm, columns, charsPerColumn, headMm: 20, footMm: 14 };
}

export function gridInputFor(format: FormatName | { width: number; height: number }): GridInput {
  if (typeof format === 'string') return { ...BODY_DEFAULTS, ...FORMAT_PRESETS[format] };
  return customGridInput(format.width, format.height);
}

export function resolveGrid(input: GridInput): ResolvedGrid {
  const pageWidthPt = input.widthMm * PT_PER_MM;
  const pageHeightPt = input.heightMm * PT_PER_MM;
  const columnWidthPt = input.charsPerColumn * input.bodySizePt;
  const gutterPt = input.gutterChars * input.bodySizePt;
  const linePitchPt = round(input.bodySizePt * input.lineHeight);
  const width = input.columns * columnWidthPt + (input.columns - 1) * gutterPt;
  const headPt = input.headMm * PT_PER_MM;
  const available = pageHeightPt - headPt - input.footMm * PT_PER_MM;
  const rows = Math.floor(available / linePitchPt);
  const typeArea = {
    left: round((pageWidthPt - width) / 2),
    top: round(headPt),
    width,
    height: round(rows * linePitchPt),
  };
  return { ...input, pageWidthPt, pageHeightPt, columnWidthPt, gutterPt, linePitchPt, rows, typeArea };
}

/** A box's rectangle in pt, relative to the type area's top-left corner. */
export function boxRect(grid: ResolvedGrid, box: GridBox): Rect {
  const step = grid.columnWidthPt + grid.gutterPt;
  return {
    left: round((box.col - 1) * step),
    top: round((box.row - 1) * grid.linePitchPt),
    width: round(box.cols * grid.columnWidthPt + (box.cols - 1) * grid.gutterPt),
    height: round(box.rows * grid.linePitchPt),
  };
}

/** Whether a box lies inside the grid. */
export function boxInsideGrid(grid: ResolvedGrid, box: GridBox): boolean {
  return box.col >= 1 && box.row >= 1 && box.col + box.cols - 1 <= grid.columns && box.row + box.rows - 1 <= grid.rows;
}

export function boxesOverlap(a: GridBox, b: GridBox): boolean {
  return (
    a.col < b.col + b.cols && b.col < a.col + a.cols && a.row < b.row + b.rows && b.row < a.row + a.rows
  );
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
