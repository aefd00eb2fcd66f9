import type { Root } from 'hast';
import type { Plugin } from 'unified';
import { visit } from 'unist-util-visit';

const BLOCKS = new Set(['p', 'h2', 'h3', 'h4', 'aside', 'figure', 'li', 'blockquote', 'table']);

/** Stamp `data-src="line:column"` on blocks so findings made in the browser map back to the Markdown. */
export const rehypeSourcePositions: Plugin<[], Root> = () => (tree) => {
  visit(tree, 'element', (node) => {
    const start = node.position?.start;
    if (start && BLOCKS.has(node.tagName)) node.properties.dataSrc = `${start.line}:${start.column}`;
  });
};
