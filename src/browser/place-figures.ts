import { PX_PER_PT, columnLeftPt, positionPt, spanWidthPt, type BrowserGrid, type GridBox } from './geometry.js';
import type { StoryLayoutData } from './layout-story.js';

/** The least resolution a grown photo keeps: the plate preflight warns below 250 ppi. */
const MIN_PPI = 250;

/**
 * Take the figures out of the text flow and set them on the grid: explicitly placed ones
 * where the edition says, the others side by side in a band at the top of the body.
 * `deltaLines` (typography.fit) makes each photo that many lines taller (+) or shorter (−),
 * within its resolution and the box; `changedLines` says how far the most changed one went.
 */
export function placeFigures(
  el: HTMLElement,
  grid: BrowserGrid,
  data: StoryLayoutData,
  figures: HTMLElement[],
  firstRow: number,
  deltaLines = 0,
  /** Columns the unplaced photos may take, from the left (those left of a vertical head). */
  bandCols = data.box.cols,
  /** Heights in pt the photos took at their natural size, by photo and width, kept across passes. */
  naturalPt = new Map<string, number>(),
): { boxes: GridBox[]; changedLines: number } {
  const pitch = grid.linePitchPt;
  const placed: GridBox[] = [];
  // The most any photo's height changed, in lines, for the report.
  let changed = 0;
  let cursorCol = 0;
  let bandRow = firstRow;
  let bandRows = 0;
  figures.forEach((figure, index) => {
    const explicit = data.figures?.[index];
    const cols = Math.min(explicit ? data.box.cols : bandCols, explicit?.cols ?? (Number(figure.dataset.cols) || 2));
    figure.classList.add('figure-placed');
    el.append(figure);
    const width = spanWidthPt(grid, cols);
    const img = figure.querySelector('img');
    const ratio = img ? Number(img.dataset.height) / Number(img.dataset.width) || 2 / 3 : 0;
    figure.style.width = `${width}pt`;
    if (img) img.style.height = `${width * ratio}pt`;
    const natural = naturalPt.get(`${index}|${width}`) ?? figure.getBoundingClientRect().height / PX_PER_PT;
    naturalPt.set(`${index}|${width}`, natural);
    const captionPt = natural - (img ? width * ratio : 0);
    // At least half a line of air between the caption and the text below.
    let rows = Math.ceil((natural + pitch / 2) / pitch);
    let box: GridBox;
    if (explicit) {
      // Never over the headline or byline: start at the body, keep the bottom edge.
      const row = Math.max(firstRow, explicit.row - data.box.row);
      rows = explicit.rows - (row - (explicit.row - data.box.row));
      box = { col: explicit.col - data.box.col, cols, row, rows };
    } else {
      if (cursorCol + cols > bandCols) {
        bandRow += bandRows;
        cursorCol = 0;
        bandRows = 0;
      }
      box = { col: cursorCol, cols, row: bandRow, rows };
      cursorCol += cols;
    }
    const asked = box.rows;
    if (img && deltaLines) {
      // A photo grows only while it keeps 250 ppi, where the plate preflight stops warning.
      const tallestPt = (Number(img.dataset.height) * 72) / MIN_PPI;
      const most = Math.max(box.rows, Math.floor((tallestPt + captionPt + pitch / 2) / pitch));
      box.rows = Math.max(Math.ceil((captionPt + pitch) / pitch) + 2, Math.min(box.rows + deltaLines, deltaLines > 0 ? most : Infinity));
    }
    // Never below the story's box, however much the fit grew it.
    box.rows = Math.max(1, Math.min(box.rows, data.box.rows - box.row));
    if (!explicit) bandRows = Math.max(bandRows, box.rows);
    rows = box.rows;
    if (deltaLines && Math.abs(rows - asked) > Math.abs(changed)) changed = rows - asked;
    if (img && (explicit || deltaLines || rows < Math.ceil((natural + pitch / 2) / pitch))) img.style.height = `${Math.max(0, rows * pitch - captionPt - pitch / 2)}pt`;
    positionPt(figure, columnLeftPt(grid, box.col), box.row * pitch, width, rows * pitch - pitch / 2);
    placed.push(box);
  });
  return { boxes: placed, changedLines: changed };
}
