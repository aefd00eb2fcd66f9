import { boxesOverlap, columnLeftPt, positionPt, rowsFor, spanWidthPt, type BrowserGrid, type GridBox } from './geometry.js';

/** Notes, sidebars and tables: set whole on the grid, never split by the flow. */
export function isWholeBlock(block: HTMLElement): boolean {
  return block.tagName === 'ASIDE' || block.tagName === 'TABLE';
}

export type Placement = 'top' | 'bottom';

export interface UnplacedBlock {
  block: HTMLElement;
  message: string;
}

/**
 * Where a desk puts a box that the copy does not say: an editor's note before the story,
 * a sidebar or table at the top when it comes early in the copy, else at the end.
 */
export function placementOf(block: HTMLElement, index: number, count: number): Placement {
  const asked = block.dataset.place;
  if (asked === 'top' || asked === 'bottom') return asked;
  if (block.classList.contains('note')) return 'top';
  return index < count / 3 ? 'top' : 'bottom';
}

function columnsOf(block: HTMLElement, grid: BrowserGrid, boxCols: number): number {
  const asked = Number(block.dataset.cols);
  if (Number.isInteger(asked) && asked > 0) return Math.min(asked, boxCols);
  if (block.classList.contains('note')) return Math.min(boxCols, 3);
  if (block.tagName === 'TABLE') {
    // As many columns as its widest row needs.
    block.style.width = 'max-content';
    const need = block.getBoundingClientRect().width / (96 / 72);
    block.style.width = '';
    const step = grid.columnWidthPt + grid.gutterPt;
    return Math.min(boxCols, Math.max(1, Math.ceil((need + grid.gutterPt) / step)));
  }
  return 1;
}

/**
 * Place each whole block as a rectangle of whole columns and whole lines inside the story's
 * body (rows `firstRow`…`rows` of the box, clear of `taken`): top blocks as high and as far
 * left as they go, bottom blocks as low and as far right. A block that fits nowhere is
 * returned, with the reason, and set nowhere.
 */
export function placeBlocks(
  el: HTMLElement,
  grid: BrowserGrid,
  boxCols: number,
  firstRow: number,
  rows: number,
  taken: GridBox[],
  blocks: { block: HTMLElement; place: Placement }[],
): { placed: { box: GridBox; place: Placement }[]; unplaced: UnplacedBlock[] } {
  const placed: { box: GridBox; place: Placement }[] = [];
  const unplaced: UnplacedBlock[] = [];
  for (const { block, place } of blocks) {
    block.classList.add('block-placed');
    el.append(block);
    const cols = columnsOf(block, grid, boxCols);
    const width = spanWidthPt(grid, cols);
    block.style.width = `${width}pt`;
    const air = block.tagName === 'TABLE' ? grid.linePitchPt / 2 : 0;
    const height = rowsFor(grid, block.getBoundingClientRect().height + air * (96 / 72));
    const spot = findSpot(boxCols, firstRow, rows, [...taken, ...placed.map((p) => p.box)], cols, height, place);
    if (!spot) {
      block.remove();
      block.classList.remove('block-placed');
      block.style.width = '';
      const free = rows - firstRow;
      unplaced.push({
        block,
        message: `${describe(block)} is ${height} lines tall in ${cols} ${cols === 1 ? 'column' : 'columns'} and fits nowhere whole in its story (${free} body lines in ${boxCols} ${boxCols === 1 ? 'column' : 'columns'})`,
      });
      continue;
    }
    positionPt(block, columnLeftPt(grid, spot.col), spot.row * grid.linePitchPt, width, height * grid.linePitchPt - air);
    placed.push({ box: spot, place });
  }
  return { placed, unplaced };
}

/** Top boxes: the highest row, then the leftmost column. Bottom boxes end the reading order: the rightmost column, then the lowest row. */
function findSpot(boxCols: number, firstRow: number, rows: number, taken: GridBox[], cols: number, height: number, place: Placement): GridBox | undefined {
  const tops = range(firstRow, rows - height);
  const lefts = range(0, boxCols - cols);
  const free = (col: number, row: number) => {
    const spot = { col, cols, row, rows: height };
    return taken.some((t) => boxesOverlap(t, spot)) ? undefined : spot;
  };
  if (place === 'top') {
    for (const row of tops) for (const col of lefts) if (free(col, row)) return free(col, row);
    return undefined;
  }
  for (const col of lefts.reverse()) for (const row of [...tops].reverse()) if (free(col, row)) return free(col, row);
  return undefined;
}

function range(from: number, to: number): number[] {
  return to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function describe(block: HTMLElement): string {
  const title = block.querySelector(':scope > h3')?.textContent?.trim();
  const kind = block.classList.contains('note') ? 'Note' : block.classList.contains('sidebar') ? 'Sidebar' : 'Table';
  return title ? `${kind} “${title}”` : kind;
}
