import type { Element, ElementContent, Root, Text } from 'hast';
import type { Plugin } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import { findInseparableRanges } from '../cjk/find-inseparable-ranges.js';

/** Elements whose text is not Chinese copy: code keeps its dashes and dots as typed. */
const SKIPPED = new Set(['code', 'pre', 'kbd', 'samp', 'script', 'style']);

const isNobreak = (node: Element) => {
  const className = node.properties.className;
  return Array.isArray(className) && className.includes('nobreak');
};

/**
 * Split one text node so that each `——` and `……` run sits in its own
 * `<span class="nobreak">` (the stylesheet sets `white-space: nowrap`). Returns the node
 * itself when there is nothing to wrap.
 */
export function wrapInseparable(node: Text): ElementContent[] {
  const ranges = findInseparableRanges(node.value);
  if (ranges.length === 0) return [node];
  const parts: ElementContent[] = [];
  let at = 0;
  for (const { start, end } of ranges) {
    if (start > at) parts.push({ type: 'text', value: node.value.slice(at, start) });
    parts.push({
      type: 'element',
      tagName: 'span',
      properties: { className: ['nobreak'] },
      children: [{ type: 'text', value: node.value.slice(start, end) }],
    });
    at = end;
  }
  if (at < node.value.length) parts.push({ type: 'text', value: node.value.slice(at) });
  return parts;
}

/**
 * Keep `——` and `……` on one line (W3C clreq: dashes and ellipses are never split), without
 * changing the text: the PDF's extracted text must still match the source.
 */
export const rehypeNobreak: Plugin<[], Root> = () => (tree) => {
  visit(tree, 'element', (node) => {
    if (SKIPPED.has(node.tagName) || isNobreak(node)) return SKIP;
    node.children = node.children.flatMap((child) => (child.type === 'text' ? wrapInseparable(child) : [child]));
    return undefined;
  });
};
