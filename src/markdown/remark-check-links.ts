import type { Root } from 'mdast';
import type { Plugin } from 'unified';
import { visit } from 'unist-util-visit';
import { sanitizeSchema } from './sanitize-schema.js';

const ALLOWED = sanitizeSchema.protocols?.href ?? [];

/**
 * The sanitiser drops a link whose address uses another protocol (`file:`, `javascript:`)
 * and keeps its text. Say so at the link, so the change is not silent.
 */
export const remarkCheckLinks: Plugin<[], Root> = () => (tree, file) => {
  visit(tree, (node) => {
    if (node.type !== 'link' && node.type !== 'definition') return;
    const protocol = /^([a-z][a-z0-9+.-]*):/i.exec(node.url.trim())?.[1]?.toLowerCase();
    if (!protocol || ALLOWED.includes(protocol)) return;
    file.message(
      `Link to \`${node.url.slice(0, 60)}\` was removed and its text kept; expected an ${ALLOWED.join(', ')} or relative address`,
      { place: node.position, ruleId: 'unsafe-link', source: 'presswork' },
    );
  });
};
