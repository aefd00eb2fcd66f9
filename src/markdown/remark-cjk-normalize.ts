import type { Root } from 'mdast';
import type { Plugin } from 'unified';
import { normalizeCjkTree, type NormalizeCjkTreeOptions } from '../cjk/normalize-cjk-tree.js';

export type RemarkCjkNormalizeOptions = Omit<NormalizeCjkTreeOptions, 'source'>;

/**
 * Chinese copy normalisation (W3C clreq house rules) as a remark plugin. The rules live in
 * `src/cjk`; this only hands them the tree and the source, and reports each change as an
 * info message at the place it was typed.
 */
export const remarkCjkNormalize: Plugin<[RemarkCjkNormalizeOptions?], Root> = (options = {}) => (tree, file) => {
  const source = file.value === undefined ? undefined : file.toString();
  for (const change of normalizeCjkTree(tree, { ...options, source })) {
    // No place: text another plugin generated from an attribute whose change is reported already.
    if (!change.place) continue;
    file.info(change.reason, { place: change.place, ruleId: change.ruleId, source: 'presswork-cjk' });
  }
};
