/**
 * A table row in a story's collected text: its cells in order, marked so that verify checks
 * the row whole. Cells are short (a lone `0` is found anywhere on a page), so a row is only
 * there when all its cells are, side by side: Paged.js is known to drop table cells.
 */
const ROW_MARK = '\u001e';
const CELL_MARK = '\u001f';

export function tableRowLine(cells: string[]): string {
  return ROW_MARK + cells.join(CELL_MARK);
}

/** The cells of a line made by tableRowLine, or undefined for any other line. */
export function rowCells(line: string): string[] | undefined {
  return line.startsWith(ROW_MARK) ? line.slice(ROW_MARK.length).split(CELL_MARK) : undefined;
}

/** The line as text: a row's cells with spaces between them. */
export function plainLine(line: string): string {
  return rowCells(line)?.join(' ') ?? line;
}
