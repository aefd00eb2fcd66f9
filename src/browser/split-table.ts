/** Body rows each part of a split table keeps at least (fewer only when the table has fewer). */
export const MIN_PART_ROWS = 2;

/** The table's body rows, in order. */
export function bodyRows(table: HTMLElement): HTMLTableRowElement[] {
  return [...table.querySelectorAll<HTMLTableRowElement>(':scope > tbody > tr')];
}

/**
 * Cut `table` before body row `at`: the rows before it stay, the rest move to a new table
 * that repeats the header row, as a desk sets a table that goes on in the next column.
 */
export function cutTable(table: HTMLElement, at: number): HTMLElement {
  const rows = bodyRows(table);
  const rest = table.cloneNode(false) as HTMLElement;
  rest.removeAttribute('id');
  const head = table.querySelector(':scope > thead');
  if (head) rest.append(head.cloneNode(true));
  const body = table.ownerDocument.createElement('tbody');
  body.append(...rows.slice(at));
  rest.append(body);
  table.classList.add('split-after');
  rest.classList.add('split-before');
  return rest;
}

/**
 * Heights in px of a table's parts, as set at its current width: the header and each body
 * row. Rows take whole lines and no room between them, so a part is as tall as its sum.
 */
export function rowHeights(table: HTMLElement): { head: number; rows: number[] } {
  const head = table.querySelector(':scope > thead')?.getBoundingClientRect().height ?? 0;
  return { head, rows: bodyRows(table).map((row) => row.getBoundingClientRect().height) };
}
