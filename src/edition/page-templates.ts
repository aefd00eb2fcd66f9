import type { GridBox, ResolvedGrid } from './grid.js';
import type { TemplateName } from './schema.js';

/** What a page template reserves on the grid and which named slots it offers. */
export interface PageTemplateLayout {
  /** Areas no story may use (the masthead). */
  reserved: { name: string; box: GridBox }[];
  slots: Record<string, GridBox>;
}

const MASTHEAD_ROWS = 10;

export function pageTemplateLayout(template: TemplateName, grid: ResolvedGrid): PageTemplateLayout {
  const whole = { col: 1, cols: grid.columns, row: 1, rows: grid.rows };
  if (template !== 'front') return { reserved: [], slots: { main: whole } };
  const earCols = Math.max(2, Math.round(grid.columns * 0.375));
  const masthead = { col: 1, cols: grid.columns - earCols, row: 1, rows: MASTHEAD_ROWS };
  return {
    reserved: [{ name: 'masthead', box: masthead }],
    slots: {
      ear: { col: grid.columns - earCols + 1, cols: earCols, row: 1, rows: MASTHEAD_ROWS },
      main: { col: 1, cols: grid.columns, row: MASTHEAD_ROWS + 1, rows: grid.rows - MASTHEAD_ROWS },
    },
  };
}
