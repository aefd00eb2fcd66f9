import { describe, expect, it } from 'vitest';
import { boxInsideGrid, boxRect, boxesOverlap, gridInputFor, resolveGrid } from '../../src/edition/grid.js';

const MM = 72 / 25.4;

describe('the broadsheet grid', () => {
  const grid = resolveGrid(gridInputFor('broadsheet'));

  it('is 8 columns of 13 characters at 9 pt with a one-character gutter: 111 characters, 999 pt', () => {
    expect(grid.columns).toBe(8);
    expect(grid.columnWidthPt).toBe(117);
    expect(grid.gutterPt).toBe(9);
    expect(grid.typeArea.width).toBe(999);
  });

  it('has a 14.4 pt body line and a whole number of lines in the type area', () => {
    expect(grid.linePitchPt).toBe(14.4);
    expect(grid.rows).toBe(99);
    expect(grid.typeArea.height).toBeCloseTo(99 * 14.4, 6);
  });

  it('is 390 × 545 mm with the type area centred', () => {
    expect(grid.pageWidthPt / MM).toBeCloseTo(390, 6);
    expect(grid.pageHeightPt / MM).toBeCloseTo(545, 6);
    expect(grid.typeArea.left * 2 + grid.typeArea.width).toBeCloseTo(grid.pageWidthPt, 2);
  });

  it('maps boxes to exact rectangles: spans include the gutters between their columns', () => {
    expect(boxRect(grid, { col: 1, cols: 1, row: 1, rows: 1 })).toEqual({ left: 0, top: 0, width: 117, height: 14.4 });
    expect(boxRect(grid, { col: 3, cols: 3, row: 11, rows: 30 })).toEqual({ left: 252, top: 144, width: 369, height: 432 });
    expect(boxRect(grid, { col: 1, cols: 8, row: 1, rows: 99 }).width).toBe(999);
  });

  it('knows what lies inside the grid and what overlaps', () => {
    expect(boxInsideGrid(grid, { col: 6, cols: 3, row: 90, rows: 10 })).toBe(true);
    expect(boxInsideGrid(grid, { col: 7, cols: 3, row: 1, rows: 10 })).toBe(false);
    expect(boxInsideGrid(grid, { col: 1, cols: 1, row: 95, rows: 10 })).toBe(false);
    expect(boxesOverlap({ col: 1, cols: 4, row: 1, rows: 10 }, { col: 4, cols: 2, row: 10, rows: 5 })).toBe(true);
    expect(boxesOverlap({ col: 1, cols: 4, row: 1, rows: 10 }, { col: 5, cols: 2, row: 1, rows: 10 })).toBe(false);
    expect(boxesOverlap({ col: 1, cols: 4, row: 1, rows: 10 }, { col: 1, cols: 4, row: 11, rows: 10 })).toBe(false);
  });
});

describe('the tabloid and custom grids', () => {
  it('sets the tabloid in 6 columns of 12 characters on 273 × 390 mm', () => {
    const grid = resolveGrid(gridInputFor('tabloid'));
    expect(grid.columns).toBe(6);
    expect(grid.columnWidthPt).toBe(108);
    expect(grid.typeArea.width).toBe(6 * 108 + 5 * 9);
    expect(grid.pageWidthPt / MM).toBeCloseTo(273, 6);
    expect(grid.typeArea.height).toBeCloseTo(grid.rows * 14.4, 6);
    expect(grid.typeArea.top + grid.typeArea.height).toBeLessThan(grid.pageHeightPt);
  });

  it('fits as many 13-character columns as a custom width allows', () => {
    const grid = resolveGrid(gridInputFor({ width: 300, height: 420 }));
    // (300 − 30) mm = 765.4 pt: 6 columns take 6 × 117 + 5 × 9 = 747 pt, 7 would take 873 pt.
    expect(grid.columns).toBe(6);
    expect(grid.typeArea.width).toBe(747);
  });
});
