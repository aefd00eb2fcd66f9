import type { Element, Root, RootContent } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Plugin } from 'unified';

declare module 'vfile' {
  interface DataMap {
    /** The sanitised article's text, one line per block, kept to verify the PDF against. */
    text: string;
  }
}

// A caption's credit is set apart from it on the page, so each is a line of its own.
const TEXT_BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'th', 'td', 'pre']);
const isCaptionPart = (node: Element) => node.tagName === 'span' && /caption|credit/.test(String(node.properties.className ?? ''));

/** Blocks are lines: layout may move whole blocks (figures, asides) but never reorders a block's text. */
export const rehypeCollectText: Plugin<[], Root> = () => (tree, file) => {
  const lines: string[] = [];
  const walk = (nodes: RootContent[]) => {
    for (const node of nodes) {
      if (node.type !== 'element') continue;
      if (TEXT_BLOCKS.has(node.tagName) || isCaptionPart(node)) lines.push(toString(node as Element).replace(/\s+/g, ' ').trim());
      else walk(node.children);
    }
  };
  walk(tree.children);
  file.data.text = lines.filter(Boolean).join('\n');
};
