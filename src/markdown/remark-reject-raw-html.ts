import type { Root } from 'mdast';
import type { Plugin } from 'unified';
import { SKIP, visit } from 'unist-util-visit';

/** Raw HTML in an article is untrusted: drop it and say so, so nothing vanishes silently. */
export const remarkRejectRawHtml: Plugin<[], Root> = () => (tree, file) => {
  visit(tree, 'html', (node, index, parent) => {
    if (!parent || index === undefined) return;
    const sample = node.value.replace(/\s+/g, ' ').slice(0, 60);
    file.message(`Raw HTML is not allowed in articles and was removed: \`${sample}\``, {
      place: node.position,
      ruleId: 'raw-html',
      source: 'presswork',
    });
    parent.children.splice(index, 1);
    return [SKIP, index];
  });
};
