import { PX_PER_PT, boxesOverlap, columnLeftPt, positionPt, rowsFor, spanWidthPt, type BrowserGrid, type GridBox } from './geometry.js';
import { columnProbe } from './probe.js';
import { cutTable, MIN_PART_ROWS, rowHeights } from './split-table.js';

/** Notes, sidebars and tables: set whole on the grid, never split by the flow. */
export function isWholeBlock(block: HTMLElement): boolean {
  return block.tagName === 'ASIDE' || block.tagName === 'TABLE';
}

export type Placement = 'top' | 'bottom';

export interface UnplacedBlock {
  block: HTMLElement;
  message: string;
  /** `block-no-room`, or `table-too-wide` for a table wider than its room. */
  rule: 'block-no-room' | 'table-too-wide';
  /** Where the fault is in the Markdown (`line:column`), when not the block's own start: a table in a box. */
  src?: string;
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

const MM_PER_PX = 25.4 / 96;

function columnsOf(block: HTMLElement, grid: BrowserGrid, boxCols: number): number {
  const asked = Number(block.dataset.cols);
  if (Number.isInteger(asked) && asked > 0) return Math.min(asked, boxCols);
  // As many columns as its widest table row needs (a box: with its padding), at least its default.
  const tables = tablesIn(block);
  const need = tables.length > 0 ? columnsFor(grid, Math.max(...tables.map((t) => widthAs(t, 'max-content') + paddingOf(block, t)))) : 1;
  if (block.classList.contains('note')) return Math.min(boxCols, Math.max(3, need));
  return Math.min(boxCols, need);
}

/** The block itself when it is a table, else the tables inside it. */
function tablesIn(block: HTMLElement): HTMLElement[] {
  return block.tagName === 'TABLE' ? [block] : [...block.querySelectorAll<HTMLElement>('table')];
}

/** Horizontal room in px that `block` takes round the content box `table` sits in (none for a table itself). */
function paddingOf(block: HTMLElement, table: HTMLElement): number {
  const parent = table.parentElement;
  if (table === block || !parent) return 0;
  const style = getComputedStyle(parent);
  const content = parent.clientWidth - (parseFloat(style.paddingLeft) || 0) - (parseFloat(style.paddingRight) || 0);
  return block.getBoundingClientRect().width - content;
}

/** The table's width in px when set at `width` (max-content: widest rows; min-content: narrowest). */
function widthAs(table: HTMLElement, width: string): number {
  const before = table.style.width;
  table.style.width = width;
  const px = table.getBoundingClientRect().width;
  table.style.width = before;
  return px;
}

/** Grid columns a width in px takes. */
function columnsFor(grid: BrowserGrid, px: number): number {
  const step = grid.columnWidthPt + grid.gutterPt;
  return Math.max(1, Math.ceil((px / PX_PER_PT + grid.gutterPt) / step - 0.001));
}

/**
 * A table that cannot be set in the room it has even with its long cells wrapped (its short
 * cells never wrap): the story's box, a note or sidebar held to `cols`, or in running copy
 * (`within: 'column'`) one column.
 */
function tooWide(block: HTMLElement, grid: BrowserGrid, boxCols: number, within: 'box' | 'column' = 'box'): { message: string; src?: string } | undefined {
  const asked = Number(block.dataset.cols);
  const cols = block.tagName !== 'TABLE' && Number.isInteger(asked) && asked > 0 ? Math.min(asked, boxCols) : boxCols;
  const room = spanWidthPt(grid, cols) * PX_PER_PT;
  const mm = (px: number) => (px * MM_PER_PX).toFixed(1);
  const columns = (n: number) => `${n} ${n === 1 ? 'column' : 'columns'}`;
  for (const table of tablesIn(block)) {
    const need = widthAs(table, 'min-content') + paddingOf(block, table);
    if (need <= room + 0.5) continue;
    const kind = block.tagName === 'ASIDE' ? (block.classList.contains('note') ? 'note' : 'sidebar') : block.tagName === 'BLOCKQUOTE' ? 'quote' : 'list';
    const what = table === block ? 'Table' : `Table in ${block.tagName === 'ASIDE' ? describe(block) : `a ${kind}`}`;
    const [setIn, fix] =
      within === 'column'
        ? ['running copy is set', 'set it on its own, outside the ' + kind]
        : cols < boxCols
          ? [`the ${kind} is set`, `give the ${kind} more \`cols\``]
          : ["its story's box is", 'give the story a wider box'];
    return {
      message: `${what} is ${mm(need)} mm wide at its narrowest (${columns(columnsFor(grid, need))}) and ${setIn} ${columns(cols)} (${mm(room)} mm) wide; shorten its cells, drop a column or ${fix}`,
      src: table.dataset.src,
    };
  }
  return undefined;
}

/**
 * Copy blocks (a quote, a list) holding a table too wide for a column: the flow could only
 * clip it. They are returned as unplaced, with the reason, and the rest to be flowed.
 */
export function withoutTooWide(el: HTMLElement, grid: BrowserGrid, blocks: HTMLElement[], trackingEm: number): { body: HTMLElement[]; unplaced: UnplacedBlock[] } {
  const suspects = blocks.filter((b) => b.querySelector('table'));
  if (suspects.length === 0) return { body: blocks, unplaced: [] };
  const probe = columnProbe(el, 'table-probe', trackingEm);
  const unplaced: UnplacedBlock[] = [];
  for (const block of suspects) {
    probe.append(block);
    const wide = tooWide(block, grid, 1, 'column');
    block.remove();
    if (wide) unplaced.push({ block, message: wide.message, rule: 'table-too-wide', src: wide.src });
  }
  probe.remove();
  return { body: blocks.filter((b) => !unplaced.some((u) => u.block === b)), unplaced };
}

interface Queued {
  block: HTMLElement;
  place: Placement;
}

/** What placing a whole block measures before it has a place: the same at the same width and tracking. */
export interface BlockSizes {
  wide?: { message: string; src?: string };
  cols: number;
  /** Lines it takes at `cols` (not for a table, which is measured as it is cut). */
  height?: number;
  /** A table's whole height in px at `cols`, before any cut. */
  tablePx?: number;
}

/** Sizes kept across layout passes; `of` answers only for a block as the article has it. */
export interface KnownSizes {
  of(block: HTMLElement): BlockSizes | undefined;
  keep(block: HTMLElement, sizes: BlockSizes): void;
}

/** A block set on the grid: a table cut between rows is one of these per part. */
export interface PlacedBlock extends Queued {
  box: GridBox;
}

/**
 * Place each whole block as a rectangle of whole columns and whole lines inside the story's
 * body (rows `firstRow`…`rows` of the box, clear of `taken`): top blocks as high and as far
 * left as they go, bottom blocks as low and as far right. A table taller than a column is
 * cut between rows into parts that repeat its header (see placeTablePart). A block that fits
 * nowhere is returned, with the reason, and set nowhere.
 */
export function placeBlocks(
  el: HTMLElement,
  grid: BrowserGrid,
  boxCols: number,
  firstRow: number,
  rows: number,
  taken: GridBox[],
  blocks: Queued[],
  known?: KnownSizes,
): { placed: PlacedBlock[]; unplaced: UnplacedBlock[] } {
  const placed: PlacedBlock[] = [];
  const unplaced: UnplacedBlock[] = [];
  const queue = [...blocks];
  // A table's rest comes round again with fewer rows: only a block's first turn is the article's.
  const seen = new Set<HTMLElement>();
  const occupied = () => [...taken, ...placed.map((p) => p.box)];
  const unplace = (block: HTMLElement) => {
    block.remove();
    block.classList.remove('block-placed');
    block.style.width = '';
  };
  while (queue.length > 0) {
    const { block, place } = queue.shift()!;
    block.classList.add('block-placed');
    el.append(block);
    const isTable = block.tagName === 'TABLE';
    const sizes = seen.has(block) ? undefined : known?.of(block);
    const first = !seen.has(block);
    seen.add(block);
    const wide = sizes ? sizes.wide : tooWide(block, grid, boxCols);
    if (wide) {
      if (first && !sizes) known?.keep(block, { wide, cols: 0 });
      unplace(block);
      unplaced.push({ block, message: wide.message, rule: 'table-too-wide', src: wide.src });
      continue;
    }
    const cols = sizes?.cols ?? columnsOf(block, grid, boxCols);
    const width = spanWidthPt(grid, cols);
    block.style.width = `${width}pt`;
    const height = isTable ? undefined : (sizes?.height ?? rowsFor(grid, block.getBoundingClientRect().height));
    const tablePx = isTable ? (sizes?.tablePx ?? block.getBoundingClientRect().height) : undefined;
    if (first && !sizes) known?.keep(block, { cols, height, tablePx });
    if (isTable) {
      const part = placeTablePart(block, place, grid, { boxCols, firstRow, rows, cols, taken: occupied() }, tablePx!);
      if (part) {
        placed.push({ box: part.box, place, block: part.block });
        if (part.rest) queue.unshift({ block: part.rest, place });
        continue;
      }
    } else {
      const spot = findSpot(boxCols, firstRow, rows, occupied(), cols, height!, place);
      if (spot) {
        positionPt(block, columnLeftPt(grid, spot.col), spot.row * grid.linePitchPt, width, height! * grid.linePitchPt);
        placed.push({ box: spot, place, block });
        continue;
      }
    }
    const tall = height ?? rowsFor(grid, block.getBoundingClientRect().height) + TABLE_AIR_LINES;
    unplace(block);
    unplaced.push({
      block,
      rule: 'block-no-room',
      message: `${describe(block)} is ${tall} lines tall in ${cols} ${cols === 1 ? 'column' : 'columns'} and fits nowhere whole in its story (${rows - firstRow} body lines in ${boxCols} ${boxCols === 1 ? 'column' : 'columns'})`,
    });
  }
  return { placed, unplaced };
}

/** A table keeps a line of air from the text: under it at the top of a story, over it at the bottom. */
const TABLE_AIR_LINES = 1;

interface Room {
  boxCols: number;
  firstRow: number;
  rows: number;
  cols: number;
  taken: GridBox[];
}

/**
 * Set a table (already at its width, `wholePx` tall) whole where it fits. One taller than a column is cut
 * between rows into as few parts as the room allows, of even length: the first rows go here
 * when it is placed at the top (the rest goes on to the right), the last rows at the bottom
 * (the rest goes on to the left of them, so the parts still read left to right). Returns
 * the part set here and the rest, or undefined when nothing of it fits.
 */
function placeTablePart(table: HTMLElement, place: Placement, grid: BrowserGrid, room: Room, wholePx: number): { box: GridBox; block: HTMLElement; rest?: HTMLElement } | undefined {
  const linesFor = (px: number) => rowsFor(grid, px) + TABLE_AIR_LINES;
  const spotFor = (lines: number) => findSpot(room.boxCols, room.firstRow, room.rows, room.taken, room.cols, lines, place);
  const set = (part: HTMLElement, spot: GridBox) => {
    // Air above a table at the bottom; its own height is its rows, never stretched.
    const top = spot.row + (place === 'bottom' ? TABLE_AIR_LINES : 0);
    part.style.left = `${columnLeftPt(grid, spot.col)}pt`;
    part.style.top = `${top * grid.linePitchPt}pt`;
    return spot;
  };
  const whole = spotFor(linesFor(wholePx));
  if (whole) return { box: set(table, whole), block: table };
  const { head, rows } = rowHeights(table);
  // Only a table that no column could hold is cut; a shorter one waits for room (or is reported).
  if (rows.length < 2 || linesFor(wholePx) <= room.rows - room.firstRow) return undefined;
  const least = Math.min(MIN_PART_ROWS, Math.floor(rows.length / 2));
  const partLines = (count: number) => {
    const slice = place === 'top' ? rows.slice(0, count) : rows.slice(rows.length - count);
    return linesFor(head + slice.reduce((a, b) => a + b, 0));
  };
  for (let most = rows.length - least; most >= least; most--) {
    if (!spotFor(partLines(most))) continue;
    // As many parts as that takes, of even length: the earlier parts take the odd rows.
    const parts = Math.ceil(rows.length / most);
    const even = place === 'top' ? Math.ceil(rows.length / parts) : Math.floor(rows.length / parts);
    const count = Math.max(least, Math.min(most, even));
    const spot = spotFor(partLines(count))!;
    if (place === 'top') {
      const rest = cutTable(table, count);
      return { box: set(table, spot), block: table, rest };
    }
    // At the bottom the part set here is the table's end: the head of the table goes on.
    const end = cutTable(table, rows.length - count);
    table.classList.remove('block-placed');
    end.classList.add('block-placed');
    end.style.width = table.style.width;
    table.parentElement!.append(end);
    table.remove();
    table.style.width = '';
    return { box: set(end, spot), block: end, rest: table };
  }
  return undefined;
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
