import type { Element, ElementContent, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Plugin } from 'unified';
import { visit } from 'unist-util-visit';

/** Cells of this many characters or fewer never wrap: `城厢街道` stays one word, as a desk sets it. */
export const SHORT_CELL_CHARS = 8;

/** A figure a results or prices table prints: `19`, `-3`, `62.5%`, `1,200`, `78:71`. */
const NUMBER = /^[+\-−±]?\d[\d,.]*[%‰]?(?:[:：∶\-–]\d[\d,.]*)?$/;
/** What a numeric column may hold besides figures: nothing, or a dash for no value. */
const NO_VALUE = /^(?:|[-–—]{1,2})$/;

const cellText = (cell: Element) => toString(cell).replace(/\s+/g, '');

function rowsOf(table: Element): Element[][] {
  const rows: Element[][] = [];
  visit(table, 'element', (node) => {
    if (node.tagName === 'tr') rows.push(node.children.filter((c): c is Element => c.type === 'element' && (c.tagName === 'td' || c.tagName === 'th')));
  });
  return rows;
}

function addClass(cell: Element, name: string): void {
  const classes = Array.isArray(cell.properties.className) ? cell.properties.className : [];
  cell.properties.className = [...classes, name];
}

/**
 * Each digit in a `<span class="fig">`, which the stylesheet sets one `0` wide: tabular
 * figures, so that a column of numbers lines up digit under digit. The house fonts have no
 * `tnum` feature (font-variant-numeric: tabular-nums does nothing with them); the text is
 * unchanged.
 */
function boxDigits(cell: Element): void {
  cell.children = cell.children.flatMap((child): ElementContent[] => {
    if (child.type === 'element') {
      boxDigits(child);
      return [child];
    }
    if (child.type !== 'text') return [child];
    return child.value.split(/(\d)/).flatMap((part): ElementContent[] => {
      if (!part) return [];
      if (!/^\d$/.test(part)) return [{ type: 'text', value: part }];
      return [{ type: 'element', tagName: 'span', properties: { className: ['fig'] }, children: [{ type: 'text', value: part }] }];
    });
  });
}

/**
 * Mark a table's cells for the house style: a column whose body cells are all figures is
 * `num` (right-aligned, header too, unless the Markdown gives the column an alignment; its
 * digits in tabular boxes; never wrapped), and a cell of at most SHORT_CELL_CHARS
 * characters is `nowrap`.
 */
export function markTableCells(table: Element): void {
  const [head = [], ...body] = rowsOf(table);
  const columns = Math.max(head.length, ...body.map((row) => row.length));
  for (let col = 0; col < columns; col++) {
    const cells = body.map((row) => row[col]).filter((c): c is Element => Boolean(c));
    const texts = cells.map(cellText);
    if (!texts.some((t) => NUMBER.test(t)) || !texts.every((t) => NUMBER.test(t) || NO_VALUE.test(t))) continue;
    const aligned = [head[col], ...cells].some((c) => c?.properties.align);
    for (const cell of [head[col], ...cells]) {
      if (!cell) continue;
      if (!aligned) addClass(cell, 'num');
      if (cell.tagName === 'td') {
        boxDigits(cell);
        addClass(cell, 'nowrap');
      }
    }
  }
  for (const cell of [...head, ...body.flat()]) {
    const classes = cell.properties.className;
    if ([...cellText(cell)].length <= SHORT_CELL_CHARS && !(Array.isArray(classes) && classes.includes('nowrap'))) addClass(cell, 'nowrap');
  }
}

/** GFM tables in newsprint style: see markTableCells. */
export const rehypeTables: Plugin<[], Root> = () => (tree) => {
  visit(tree, 'element', (node) => {
    if (node.tagName === 'table') markTableCells(node);
  });
};
