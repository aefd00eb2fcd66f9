import type { DeskBox, DeskGridBox } from '../desk-types.js';
import type { PreviewGrid } from '../preview-state.js';

/** Grid arithmetic of the layout desk: boxes in grid units (1-based) to page px and back, and the placement rules. */

export const PX_PER_PT = 96 / 72;
/** Rows a `rows: auto` box needs at the least (the loader's rule). */
export const MIN_AUTO_ROWS = 4;

export type Handle = 'move' | 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';
export const HANDLES: Handle[] = ['n', 's', 'e', 'w', 'ne', 'nw', 'se', 'sw'];

const step = (grid: PreviewGrid) => grid.columnWidthPt + grid.gutterPt;

/** Where a box is on the page, in the page document's CSS px. */
export function boxRectPx(grid: PreviewGrid, box: DeskGridBox): { left: number; top: number; width: number; height: number } {
  return {
    left: (grid.typeArea.left + (box.col - 1) * step(grid)) * PX_PER_PT,
    top: (grid.typeArea.top + (box.row - 1) * grid.linePitchPt) * PX_PER_PT,
    width: (box.cols * grid.columnWidthPt + (box.cols - 1) * grid.gutterPt) * PX_PER_PT,
    height: box.rows * grid.linePitchPt * PX_PER_PT,
  };
}

/** A point on the page (CSS px) as fractional grid units: column 1.0 starts at the type area's left. */
export function gridPoint(grid: PreviewGrid, xPx: number, yPx: number): { col: number; row: number } {
  return {
    col: (xPx / PX_PER_PT - grid.typeArea.left + grid.gutterPt / 2) / step(grid) + 1,
    row: (yPx / PX_PER_PT - grid.typeArea.top) / grid.linePitchPt + 1,
  };
}

/** The box a drag makes of `start`: whole columns and whole lines, never under one of each. */
export function dragBox(start: DeskGridBox, handle: Handle, dCol: number, dRow: number): DeskGridBox {
  if (handle === 'move') return { ...start, col: start.col + dCol, row: start.row + dRow };
  const box = { ...start };
  if (handle.includes('e')) box.cols = Math.max(1, start.cols + dCol);
  if (handle.includes('s')) box.rows = Math.max(1, start.rows + dRow);
  if (handle.includes('w')) {
    const d = Math.min(dCol, start.cols - 1);
    box.col = start.col + d;
    box.cols = start.cols - d;
  }
  if (handle.includes('n')) {
    const d = Math.min(dRow, start.rows - 1);
    box.row = start.row + d;
    box.rows = start.rows - d;
  }
  return box;
}

export const sameBox = (a: DeskGridBox, b: DeskGridBox) => a.col === b.col && a.cols === b.cols && a.row === b.row && a.rows === b.rows;

function overlaps(a: DeskGridBox, b: DeskGridBox): boolean {
  return a.col < b.col + b.cols && b.col < a.col + a.cols && a.row < b.row + b.rows && b.row < a.row + a.rows;
}

function inside(outer: DeskGridBox, inner: DeskGridBox): boolean {
  return inner.col >= outer.col && inner.row >= outer.row && inner.col + inner.cols <= outer.col + outer.cols && inner.row + inner.rows <= outer.row + outer.rows;
}

/** Lines a `rows: auto` box at `box` may reach down to: the next box in its columns, or the foot of the grid. */
export function roomBelow(box: DeskGridBox, others: DeskBox[], gridRows: number): number {
  const below = others
    .filter((o) => o.kind !== 'figure' && o.box.col < box.col + box.cols && box.col < o.box.col + o.box.cols && o.box.row > box.row)
    .map((o) => o.box.row);
  return Math.min(gridRows + 1, ...below) - box.row;
}

/** Why `box` may not go where it is (the loader's rules), or undefined when it may. */
export function placementProblem(grid: PreviewGrid, moving: DeskBox, box: DeskGridBox, page: DeskBox[]): string | undefined {
  if (box.col < 1 || box.row < 1 || box.col + box.cols - 1 > grid.columns || box.row + box.rows - 1 > grid.rows) {
    return `出界 off the grid (columns 1–${grid.columns}, rows 1–${grid.rows})`;
  }
  const others = page.filter((o) => o.key !== moving.key);
  if (moving.kind === 'figure') {
    if (moving.within && !inside(moving.within, box)) return '出界 outside its story';
    const sibling = others.find((o) => o.kind === 'figure' && o.stories[0] === moving.stories[0] && overlaps(o.box, box));
    return sibling ? `重叠 overlaps ${sibling.label}` : undefined;
  }
  const hit = others.find((o) => o.kind !== 'figure' && overlaps(o.box, box));
  if (hit) return `重叠 overlaps ${hit.label}`;
  if (moving.auto && roomBelow(box, others, grid.rows) < MIN_AUTO_ROWS) return `无空间 no room below for rows: auto (${MIN_AUTO_ROWS} rows)`;
  return undefined;
}

/** `栏 4–5 · 行 45–99`: the cells a box covers. */
export function describeCells(box: DeskGridBox, auto = false): string {
  const span = (from: number, n: number) => (n === 1 ? `${from}` : `${from}–${from + n - 1}`);
  return `栏 ${span(box.col, box.cols)} · 行 ${auto ? `${box.row}– auto` : span(box.row, box.rows)}`;
}
