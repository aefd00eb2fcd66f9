import type { Root } from 'mdast';
import { relative } from 'node:path';
import type { Plugin } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { createOffsetLocator } from '../cjk/create-offset-locator.js';
import { applyCopyRule, codePoints, DEFAULT_COPY_RULE, findCopyCharacters, type CopyKind, type CopyRule } from './copy-characters.js';

const WHAT: Record<CopyKind, string> = { emoji: 'Emoji', control: 'Control character', bidi: 'Bidi control' };

interface Positioned {
  type: string;
  value?: unknown;
  attributes?: Record<string, string | null | undefined> | null;
  position?: { start: { offset?: number }; end: { offset?: number } };
}

/**
 * Emoji, control characters and bidi controls in copy: a warning at each, then removed or
 * replaced as the house rule says (house.yaml `copy:`), so none prints as tofu. Front matter
 * is warned about here and cleaned where it is read (applyCopyRule).
 */
export const remarkCopyCharacters: Plugin<[{ rule?: CopyRule; root?: string }?], Root> = (options = {}) => (tree, file) => {
  const rule = options.rule ?? DEFAULT_COPY_RULE;
  const source = String(file.value ?? '');
  const locate = createOffsetLocator(source);
  const name = options.root && file.path ? relative(options.root, file.path) : (file.path ?? '');
  // Reported once per place in the source, whichever nodes carry the text.
  const reported = new Set<number>();

  const check = (text: string, node: Positioned) => {
    const start = node.position?.start.offset ?? 0;
    const end = node.position?.end.offset ?? source.length;
    let cursor = start;
    for (const found of findCopyCharacters(text)) {
      const at = source.indexOf(found.text, cursor);
      const offset = at >= 0 && at < end ? at : start;
      cursor = at >= 0 && at < end ? at + found.text.length : cursor;
      if (reported.has(offset)) continue;
      reported.add(offset);
      warn(file, found.kind, found.text, locate(offset), name, rule);
    }
  };

  visit(tree, (node: Positioned) => {
    if (node.type === 'yaml' && typeof node.value === 'string') check(node.value, node);
    else if ((node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') && typeof node.value === 'string') {
      check(node.value, node);
      node.value = applyCopyRule(node.value, rule);
    }
    if (node.attributes) {
      for (const [key, value] of Object.entries(node.attributes)) {
        if (typeof value !== 'string') continue;
        check(value, node);
        node.attributes[key] = applyCopyRule(value, rule);
      }
    }
  });
};

function warn(file: VFile, kind: CopyKind, text: string, place: { line: number; column: number }, name: string, rule: CopyRule): void {
  const shown = kind === 'emoji' ? `${text} ` : '';
  const done = rule[kind] === 'replace' ? `replaced by ${rule.replacement}` : 'removed';
  file.message(`${WHAT[kind]} ${shown}${codePoints(text)} at ${name}:${place.line}:${place.column} ${done} (house rule \`copy.${kind}: ${rule[kind]}\`)`, {
    place,
    ruleId: `copy-${kind}`,
    source: 'presswork',
  });
}
