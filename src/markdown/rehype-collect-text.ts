import type { Element, Root, RootContent } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Plugin } from 'unified';
import { tableRowLine } from './table-row-text.js';

declare module 'vfile' {
  interface DataMap {
    /** The sanitised article's text, one line per block, kept to verify the PDF against. */
    text: string;
  }
}

// A caption's credit is set apart from it on the page, so each is a line of its own. A table
// row is one line, its cells in order: a cell lost from a row is missing text, even a lone figure.
const TEXT_BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'tr', 'pre']);
const clean = (text: string) => text.replace(/\s+/g, ' ').trim();
const textOf = (node: Element) =>
  node.tagName === 'tr' ? tableRowLine(node.children.flatMap((cell) => (cell.type === 'element' ? [clean(toString(cell))] : []))) : clean(toString(node));
const isCaptionPart = (node: Element) => node.tagName === 'span' && /caption|credit/.test(String(node.properties.className ?? ''));

/** Blocks are lines: layout may move whole blocks (figures, asides) but never reorders a block's text. */
export const rehypeCollectText: Plugin<[], Root> = () => (tree, file) => {
  const lines: string[] = [];
  const walk = (nodes: RootContent[]) => {
    for (const node of nodes) {
      if (node.type !== 'element') continue;
      if (TEXT_BLOCKS.has(node.tagName) || isCaptionPart(node)) lines.push(textOf(node));
      else walk(node.children);
    }
  };
  walk(tree.children);
  file.data.text = lines.filter(Boolean).join('\n');
};
