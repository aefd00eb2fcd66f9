import type { Root } from 'mdast';
import type { Plugin } from 'unified';
import type { Node, Parent } from 'unist';
import type { VFile } from 'vfile';

/**
 * Deep nesting is never copy: a newspaper column has room for a few list levels, and the
 * Markdown tools recurse once per level, so a few thousand levels (a line of `- - - …` or
 * `> > > …`, a run of `*`) take seconds to parse and then overflow the stack.
 */

/** Most lists or quotes one line may open before we refuse to parse the article. */
export const MAX_LINE_NESTING = 50;
/** Deepest syntax tree we hand to the plugins and the HTML writer. */
export const MAX_TREE_DEPTH = 100;
/** Most emphasis marks (`*`, `_`) in one paragraph: matching them costs time that grows with their square. */
export const MAX_EMPHASIS_MARKS = 500;
/** List levels that still leave a newspaper column room for text. */
export const MAX_LIST_DEPTH = 3;

export interface NestingFinding {
  depth: number;
  place: { line: number; column: number };
}

const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const CONTAINER_MARKER = /[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]?/y;

/** The first line that opens more than `limit` lists or quotes, counted from its start. */
export function findDeepLine(text: string, limit = MAX_LINE_NESTING): NestingFinding | undefined {
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (THEMATIC_BREAK.test(line)) continue;
    CONTAINER_MARKER.lastIndex = 0;
    let depth = 0;
    while (CONTAINER_MARKER.exec(line)) depth++;
    if (depth > limit) return { depth, place: { line: index + 1, column: 1 } };
  }
  return undefined;
}

/**
 * The line where a paragraph (lines between blank lines) goes over `limit` emphasis marks,
 * at the mark that crosses it.
 */
export function findEmphasisFlood(text: string, limit = MAX_EMPHASIS_MARKS): NestingFinding | undefined {
  let count = 0;
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') count = 0;
    for (let i = 0; i < line.length; i++) {
      if ((line[i] === '*' || line[i] === '_') && ++count > limit) return { depth: count, place: { line: index + 1, column: i + 1 } };
    }
  }
  return undefined;
}

/** The depth of the deepest node and where it starts, found without recursion. */
export function findTreeDepth(tree: Node): NestingFinding {
  let deepest: { depth: number; node: Node } = { depth: 0, node: tree };
  const stack: { node: Node; depth: number }[] = [{ node: tree, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (item.depth > deepest.depth) deepest = item;
    for (const child of (item.node as Partial<Parent>).children ?? []) stack.push({ node: child, depth: item.depth + 1 });
  }
  const start = deepest.node.position?.start;
  return { depth: deepest.depth, place: { line: start?.line ?? 1, column: start?.column ?? 1 } };
}

/** Warn, once per outer list, about lists nested deeper than a column can show. */
export function checkListDepth(tree: Root, file: VFile, limit = MAX_LIST_DEPTH): void {
  const walk = (node: Node, depth: number, outer: { deepest: number; first?: Node }): void => {
    const level = node.type === 'list' ? depth + 1 : depth;
    if (node.type === 'list' && level > outer.deepest) outer.deepest = level;
    if (node.type === 'list' && level === limit + 1 && !outer.first) outer.first = node;
    for (const child of (node as Partial<Parent>).children ?? []) walk(child, level, outer);
  };
  const visitTop = (node: Node): void => {
    if (node.type === 'list') {
      const outer: { deepest: number; first?: Node } = { deepest: 0 };
      walk(node, 0, outer);
      if (outer.first) {
        file.message(`List nested ${outer.deepest} levels deep; expected at most ${limit} levels, as each level narrows the column: flatten it`, {
          place: outer.first.position,
          ruleId: 'list-depth',
          source: 'presswork',
        });
      }
      return;
    }
    for (const child of (node as Partial<Parent>).children ?? []) visitTop(child);
  };
  visitTop(tree);
}

/** remark plugin: `checkListDepth` on every article. */
export const remarkCheckListDepth: Plugin<[], Root> = () => (tree, file) => {
  checkListDepth(tree, file);
};
