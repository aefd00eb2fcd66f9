import type { GridBox } from './geometry.js';

/** A rectangle of one column in box-relative grid units, where body text may run. */
export interface FrameSpec {
  col: number;
  row: number;
  rows: number;
}

/**
 * Carve the body area of a box into single-column frames around placed figures, in
 * newspaper reading order: horizontal tiers from top to bottom, columns left to right
 * within a tier. Tier edges are wherever a figure starts or ends.
 */
export function carveFrames(cols: number, firstRow: number, rows: number, figures: GridBox[]): FrameSpec[] {
  const edges = new Set([firstRow, rows]);
  for (const f of figures) {
    edges.add(Math.max(firstRow, Math.min(rows, f.row)));
    edges.add(Math.max(firstRow, Math.min(rows, f.row + f.rows)));
  }
  const sorted = [...edges].sort((a, b) => a - b);
  const frames: FrameSpec[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const top = sorted[i]!;
    const bottom = sorted[i + 1]!;
    for (let col = 0; col < cols; col++) {
      const covered = figures.some(
        (f) => col >= f.col && col < f.col + f.cols && top < f.row + f.rows && bottom > f.row,
      );
      if (!covered) frames.push({ col, row: top, rows: bottom - top });
    }
  }
  // One column running through several tiers reads as one frame when nothing interrupts it.
  return frames;
}
