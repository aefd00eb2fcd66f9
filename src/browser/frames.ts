import type { GridBox } from './geometry.js';

/** A rectangle of one column in box-relative grid units, where body text may run. */
export interface FrameSpec {
  col: number;
  row: number;
  rows: number;
  /** Bands are read one after the other; a band ends where the whole width is taken by boxes. */
  band: number;
}

/**
 * Carve the body area of a box into single-column frames around placed boxes (figures,
 * sidebars, notes), in newspaper reading order. Text reads down a column, round a box in it,
 * then on to the next column; where boxes take the whole width (a row of photos), the text
 * above them is read before the text below, so the story goes on under them in a new band.
 */
export function carveFrames(cols: number, firstRow: number, rows: number, obstacles: GridBox[]): FrameSpec[] {
  const covered = (col: number, row: number) =>
    obstacles.some((f) => col >= f.col && col < f.col + f.cols && row >= f.row && row < f.row + f.rows);
  const bands: [number, number][] = [];
  let start: number | undefined;
  const wholeRowCovered = (row: number) => {
    for (let col = 0; col < cols; col++) if (!covered(col, row)) return false;
    return true;
  };
  for (let row = firstRow; row <= rows; row++) {
    const full = row === rows || wholeRowCovered(row);
    if (!full && start === undefined) start = row;
    if (full && start !== undefined) {
      bands.push([start, row]);
      start = undefined;
    }
  }
  const frames: FrameSpec[] = [];
  bands.forEach(([top, bottom], band) => {
    for (let col = 0; col < cols; col++) {
      let runStart: number | undefined;
      for (let row = top; row <= bottom; row++) {
        const free = row < bottom && !covered(col, row);
        if (free && runStart === undefined) runStart = row;
        if (!free && runStart !== undefined) {
          frames.push({ col, row: runStart, rows: row - runStart, band });
          runStart = undefined;
        }
      }
    }
  });
  return frames;
}

/** Body lines the frames of one band hold. */
export function bandCapacity(frames: FrameSpec[]): number {
  return frames.reduce((sum, f) => sum + f.rows, 0);
}

/**
 * The frames of one band cut to hold `lines` in all, spread so that every column ends on the
 * same row or one above: the first columns take the extra line. Returns frame heights in
 * the band's order (0 for a frame that holds nothing).
 */
export function balancedHeights(frames: FrameSpec[], lines: number): number[] {
  const columns = [...new Set(frames.map((f) => f.col))];
  const top = Math.min(...frames.map((f) => f.row));
  const bottom = Math.max(...frames.map((f) => f.row + f.rows));
  const capacityAt = (level: number, extra: number) =>
    frames.reduce((sum, f) => sum + clampRows(f, cutRow(columns, f.col, level, extra)), 0);
  // The lowest cut (level, and how many leading columns go one row lower) that holds `lines`.
  for (let level = top; level <= bottom; level++) {
    for (let extra = 0; extra < columns.length; extra++) {
      if (capacityAt(level, extra) >= lines) return frames.map((f) => clampRows(f, cutRow(columns, f.col, level, extra)));
    }
  }
  return frames.map((f) => f.rows);
}

function cutRow(columns: number[], col: number, level: number, extra: number): number {
  return columns.indexOf(col) < extra ? level + 1 : level;
}

function clampRows(frame: FrameSpec, cut: number): number {
  return Math.max(0, Math.min(frame.rows, cut - frame.row));
}
