import type { Image, Nodes, Parent, Root, Text } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import type { Point, Position } from 'unist';
import type { CjkChange, CjkRuleId } from './cjk-change.js';
import { createOffsetLocator } from './create-offset-locator.js';
import { mapValueToSource } from './map-value-to-source.js';
import { normalizeCjkText, type NormalizeCjkOptions } from './normalize-cjk-text.js';

export interface NormalizeCjkTreeOptions extends NormalizeCjkOptions {
  /** The Markdown the tree was parsed from; without it positions are approximate. */
  source?: string;
  /** Directive attributes that hold printed copy (default `title`, `caption`, `credit`). */
  directiveAttributes?: readonly string[];
}

export interface CjkTreeChange {
  ruleId: CjkRuleId;
  reason: string;
  from: string;
  to: string;
  /**
   * Where the author typed it. Undefined for nodes without a position: those were made by
   * an earlier plugin (for example a figure caption copied from an attribute we report).
   */
  place: Position | undefined;
}

type Directive = ContainerDirective | LeafDirective | TextDirective;
type Locate = (offset: number, length: number) => Position | undefined;

// Blocks whose children are phrasing: one paragraph of copy each, the unit for context.
const BLOCKS = new Set(['paragraph', 'heading', 'tableCell', 'leafDirective']);
// Stand-in for inline code, HTML and the like: neither Han nor Latin, so nothing beside it changes.
const OPAQUE = '\uFFFC';

/**
 * Normalise the Chinese copy of an mdast tree in place: text in paragraphs, headings and
 * table cells (never code, HTML, URLs or autolinks), image alt text and the copy-holding
 * attributes of directives. Returns every change with its place in the source.
 */
export function normalizeCjkTree(tree: Root, options: NormalizeCjkTreeOptions = {}): CjkTreeChange[] {
  const changes: CjkTreeChange[] = [];
  const source = options.source;
  const locator = source === undefined ? undefined : createOffsetLocator(source);
  const attributes = options.directiveAttributes ?? ['title', 'caption', 'credit'];

  /** Apply `own` (changes inside `value`, offsets relative to it) and report them. */
  const commit = (value: string, own: readonly CjkChange[], locate: Locate): string => {
    let text = value;
    for (const change of [...own].reverse()) {
      text = text.slice(0, change.offset) + change.to + text.slice(change.offset + change.length);
    }
    for (const { ruleId, reason, from, to, offset, length } of own) {
      changes.push({ ruleId, reason, from, to, place: locate(offset, length) });
    }
    return text;
  };
  const normalize = (value: string, locate: Locate) => commit(value, normalizeCjkText(value, options).changes, locate);

  /** Positions of a value whose first character sits at `sourceStart`; else the whole node. */
  const locateIn = (value: string, sourceStart: number | undefined, position: Position | undefined): Locate => {
    if (!position) return () => undefined;
    if (source === undefined || !locator || sourceStart === undefined || position.end.offset === undefined) {
      return () => ({ start: position.start, end: position.end });
    }
    const end = position.end.offset;
    let map: number[] | undefined; // aligned on first use: most runs need no change
    const point = (index: number): Point => {
      map ??= mapValueToSource(value, source.slice(sourceStart, end));
      return locator(sourceStart + (map[index] as number), position.start);
    };
    return (offset, length) => ({ start: point(offset), end: point(offset + length) });
  };

  const visit = (node: Nodes): void => {
    if (isDirective(node)) normalizeAttributes(node);
    if (node.type === 'image') node.alt = normalizeAlt(node);
    if (BLOCKS.has(node.type)) normalizeBlock(node as Parent);
    if ('children' in node) for (const child of node.children) visit(child);
  };

  // The whole block is normalised as one string, so text nodes split by inline markup see
  // each other (quotes pair, brackets match); each node then takes the changes inside it.
  // A change that would straddle two nodes (`-**-**`) is dropped: the text stays as typed.
  const normalizeBlock = (block: Parent): void => {
    const segments = collect(block);
    const { changes: found } = normalizeCjkText(segments.map((segment) => segment.value).join(''), options);
    let start = 0;
    for (const { node, value } of segments) {
      const end = start + value.length;
      if (node) {
        const own = found
          .filter((change) => change.offset >= start && change.offset + change.length <= end)
          .map((change) => ({ ...change, offset: change.offset - start }));
        if (own.length > 0) node.value = commit(node.value, own, locateIn(node.value, node.position?.start.offset, node.position));
      }
      start = end;
    }
  };

  const normalizeAlt = (image: Image): string | null | undefined => {
    if (!image.alt) return image.alt;
    const start = image.position?.start.offset;
    const typed = start !== undefined && source?.startsWith('![', start) ? start + 2 : undefined;
    return normalize(image.alt, locateIn(image.alt, typed, image.position));
  };

  const normalizeAttributes = (node: Directive): void => {
    for (const name of attributes) {
      const value = node.attributes?.[name];
      if (!value || !node.attributes) continue;
      node.attributes[name] = normalize(value, locateIn(value, attributeStart(source, node.position, name), node.position));
    }
  };

  visit(tree);
  return changes;
}

interface Segment {
  node?: Text;
  value: string;
}

/** The phrasing of a block as a row of segments: editable text nodes and opaque stand-ins. */
function collect(parent: Parent, segments: Segment[] = []): Segment[] {
  for (const child of parent.children as Nodes[]) {
    if (child.type === 'text') segments.push({ node: child, value: child.value });
    else if (child.type === 'break') segments.push({ value: '\n' });
    else if (child.type === 'link' && isAutolink(child)) segments.push({ value: OPAQUE });
    else if ('children' in child) collect(child, segments);
    else segments.push({ value: OPAQUE });
  }
  return segments;
}

/** `<https://…>`, or a bare URL or address that GFM linked: its text is the URL itself. */
function isAutolink(link: Parent & { url: string }): boolean {
  const only = link.children.length === 1 ? (link.children[0] as Nodes) : undefined;
  return only?.type === 'text' && link.url.endsWith(only.value);
}

function isDirective(node: Nodes): node is Directive {
  return node.type === 'containerDirective' || node.type === 'leafDirective' || node.type === 'textDirective';
}

/** Source offset of an attribute's value on the directive's first line, if typed plainly. */
function attributeStart(source: string | undefined, position: Position | undefined, name: string): number | undefined {
  const start = position?.start.offset;
  if (source === undefined || start === undefined) return undefined;
  const lineEnd = source.indexOf('\n', start);
  const line = source.slice(start, lineEnd < 0 ? source.length : lineEnd);
  const match = new RegExp(`[\\s{]${name.replace(/[^\w-]/g, '\\$&')}\\s*=\\s*["']?`).exec(line);
  return match ? start + match.index + match[0].length : undefined;
}
