import { emptyLines, flowIntoFrames } from './flow.js';
import { carveFrames } from './frames.js';
import {
  PX_PER_PT,
  columnLeftPt,
  positionPt,
  rowsFor,
  spanWidthPt,
  type BrowserGrid,
  type GridBox,
} from './geometry.js';

export interface StoryLayoutData {
  box: GridBox;
  figures?: GridBox[];
  jumpTo?: { page: string; part: string };
  jumpFrom?: { page: string; part: string };
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
}

/** `（下转第4版）` for A-section pages, `（下转B2版）` elsewhere. */
export function pageName(id: string): string {
  const match = /^A(\d+)$/.exec(id);
  return match ? `第${match[1]}版` : `${id}版`;
}

const textLength = (text: string) => text.replace(/\s+/g, '').length;

/**
 * Lay out one story box: headline and byline in whole lines at the top, figures on the
 * grid, body text flowed through single-column frames. Returns the blocks that did not
 * fit; the caller jumps them or reports them as overset.
 */
export function layoutStory(
  el: HTMLElement,
  grid: BrowserGrid,
  blocks: HTMLElement[],
): { rest: HTMLElement[]; frames: HTMLElement[]; jumpLine?: HTMLElement } {
  const data = JSON.parse(el.dataset.layout ?? '{}') as StoryLayoutData;
  const { box } = data;
  const pitch = grid.linePitchPt;
  let row = 0;

  const headline = el.querySelector<HTMLElement>(':scope > .headline');
  if (headline) {
    // Stories below another get half a line of air under the rule; the block stays whole lines.
    const pad = box.row > 1 ? pitch / 2 : 0;
    headline.style.paddingTop = `${pad}pt`;
    const rows = rowsFor(grid, headline.getBoundingClientRect().height + (pitch / 3) * PX_PER_PT);
    headline.style.height = `${rows * pitch}pt`;
    headline.style.boxSizing = 'border-box';
    headline.style.display = 'flex';
    headline.style.flexDirection = 'column';
    headline.style.justifyContent = 'center';
    row += rows;
  }
  if (data.jumpFrom) {
    const from = el.ownerDocument.createElement('p');
    from.className = 'jump-line jump-from';
    from.textContent = `（上接${pageName(data.jumpFrom.page)}）`;
    from.style.top = `${row * pitch}pt`;
    el.append(from);
    row += 1;
  }
  const byline = el.querySelector<HTMLElement>(':scope > .byline');
  if (byline) {
    byline.style.top = `${row * pitch}pt`;
    row += rowsFor(grid, byline.getBoundingClientRect().height);
  }

  const figures = placeFigures(el, grid, data, blocks, row);
  const specs = carveFrames(box.cols, row, box.rows, figures);
  const frames = specs.map((spec) => {
    const frame = el.ownerDocument.createElement('div');
    frame.className = 'frame';
    positionPt(frame, columnLeftPt(grid, spec.col), spec.row * pitch, grid.columnWidthPt, spec.rows * pitch);
    el.append(frame);
    return frame;
  });
  const body = blocks.filter((b) => !b.classList.contains('figure-placed'));

  if (!data.jumpTo || frames.length === 0) return { rest: flowIntoFrames(body, frames), frames };
  // A jumping story gives up its last line to the jump line (下转).
  const last = frames[frames.length - 1]!;
  const fullHeight = last.style.height;
  last.style.height = `${parseFloat(fullHeight) - pitch}pt`;
  const rest = flowIntoFrames(body, frames);
  if (rest.length === 0) {
    last.style.height = fullHeight;
    return { rest, frames };
  }
  const jumpLine = el.ownerDocument.createElement('p');
  jumpLine.className = 'jump-line jump-to';
  jumpLine.textContent = `（下转${pageName(data.jumpTo.page)}）`;
  jumpLine.style.top = `${parseFloat(last.style.top) + parseFloat(last.style.height)}pt`;
  jumpLine.style.left = last.style.left;
  jumpLine.style.width = last.style.width;
  jumpLine.style.textAlign = 'right';
  el.append(jumpLine);
  return { rest, frames, jumpLine };
}

/**
 * Take the figures out of the text flow and set them on the grid: explicitly placed ones
 * where the edition says, the others side by side in a band at the top of the body.
 */
function placeFigures(
  el: HTMLElement,
  grid: BrowserGrid,
  data: StoryLayoutData,
  blocks: HTMLElement[],
  firstRow: number,
): GridBox[] {
  const placed: GridBox[] = [];
  const figures = blocks.filter((b) => b.tagName === 'FIGURE');
  let cursorCol = 0;
  let bandRow = firstRow;
  let bandRows = 0;
  figures.forEach((figure, index) => {
    const explicit = data.figures?.[index];
    const cols = Math.min(data.box.cols, explicit?.cols ?? (Number(figure.dataset.cols) || 2));
    figure.classList.add('figure-placed');
    el.append(figure);
    const width = spanWidthPt(grid, cols);
    const img = figure.querySelector('img');
    const ratio = img ? Number(img.dataset.height) / Number(img.dataset.width) || 2 / 3 : 0;
    figure.style.width = `${width}pt`;
    if (img) img.style.height = `${width * ratio}pt`;
    const natural = figure.getBoundingClientRect().height / PX_PER_PT;
    // At least half a line of air between the caption and the text below.
    let rows = Math.ceil((natural + grid.linePitchPt / 2) / grid.linePitchPt);
    let box: GridBox;
    if (explicit) {
      // Never over the headline or byline: start at the body, keep the bottom edge.
      const row = Math.max(firstRow, explicit.row - data.box.row);
      rows = explicit.rows - (row - (explicit.row - data.box.row));
      box = { col: explicit.col - data.box.col, cols, row, rows };
      if (img) img.style.height = `${Math.max(0, rows * grid.linePitchPt - (natural - width * ratio) - grid.linePitchPt / 2)}pt`;
    } else {
      if (cursorCol + cols > data.box.cols) {
        bandRow += bandRows;
        cursorCol = 0;
        bandRows = 0;
      }
      box = { col: cursorCol, cols, row: bandRow, rows };
      cursorCol += cols;
      bandRows = Math.max(bandRows, rows);
    }
    positionPt(figure, columnLeftPt(grid, box.col), box.row * grid.linePitchPt, width, rows * grid.linePitchPt - grid.linePitchPt / 2);
    placed.push(box);
  });
  return placed;
}

/** Count what did not fit, mark it on the proof, and take it off the page. */
export function measureOverset(el: HTMLElement, grid: BrowserGrid, rest: HTMLElement[]): Copyfit['overset'] {
  if (rest.length === 0) return { chars: 0, lines: 0, text: '' };
  const probe = el.ownerDocument.createElement('div');
  probe.className = 'frame';
  probe.style.height = 'auto';
  probe.style.visibility = 'hidden';
  el.append(probe);
  probe.append(...rest);
  const lines = Math.round(probe.getBoundingClientRect().height / (grid.linePitchPt * PX_PER_PT));
  const text = rest.map((b) => b.textContent ?? '').join('\n');
  probe.remove();
  const chars = textLength(text);
  const mark = el.ownerDocument.createElement('div');
  mark.className = 'overset-mark';
  mark.textContent = `超版 ${chars}字／${lines}行`;
  el.append(mark);
  return { chars, lines, text };
}

export function shortLines(frames: HTMLElement[], grid: BrowserGrid): number {
  return emptyLines(frames, grid.linePitchPt * PX_PER_PT);
}
