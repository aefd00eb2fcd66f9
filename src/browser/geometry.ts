export { boxesOverlap } from '../edition/grid.js';

/** Grid numbers the template hands to the browser (from the one ResolvedGrid). */
export interface BrowserGrid {
  columns: number;
  rows: number;
  columnWidthPt: number;
  gutterPt: number;
  linePitchPt: number;
}

export interface GridBox {
  col: number;
  cols: number;
  row: number;
  rows: number;
}

/** CSS px per pt: the browser measures in px, the grid is in pt. */
export const PX_PER_PT = 96 / 72;

export function readGrid(doc: Document): BrowserGrid {
  const text = doc.getElementById('pw-config')?.textContent ?? '{}';
  return (JSON.parse(text) as { grid: BrowserGrid }).grid;
}

export function columnLeftPt(grid: BrowserGrid, col: number): number {
  return col * (grid.columnWidthPt + grid.gutterPt);
}

export function spanWidthPt(grid: BrowserGrid, cols: number): number {
  return cols * grid.columnWidthPt + (cols - 1) * grid.gutterPt;
}

/** Rows needed for a height in px, rounding up with a small tolerance for sub-pixel noise. */
export function rowsFor(grid: BrowserGrid, heightPx: number): number {
  return Math.ceil(heightPx / (grid.linePitchPt * PX_PER_PT) - 0.02);
}

export function positionPt(el: HTMLElement, left: number, top: number, width: number, height: number): void {
  el.style.left = `${left}pt`;
  el.style.top = `${top}pt`;
  el.style.width = `${width}pt`;
  el.style.height = `${height}pt`;
}

