import { isDeepStrictEqual } from 'node:util';
import { isCollection, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export type YamlPath = (string | number)[];

/** A box as edition.yaml writes it; `rows: auto` only for a story's own box. */
export interface YamlBox {
  col: number;
  cols: number;
  row: number;
  rows: number | 'auto';
}

/** One change the layout desk makes to edition.yaml. */
export type YamlChange =
  /** Set a box's numbers (the map at `path`, made when missing); `remove` drops sibling keys (a `slot` the box replaces). */
  | { kind: 'set-box'; path: YamlPath; box: YamlBox; remove?: string[] }
  /** Append an entry to the list at `path`. */
  | { kind: 'append'; path: YamlPath; entry: Record<string, unknown> }
  /** Put `entry` in place of the list item at `path` (a boxed story becomes a stack). */
  | { kind: 'replace'; path: YamlPath; entry: Record<string, unknown> }
  /** Add a key the map at `path` does not have yet (a story's `continue`). */
  | { kind: 'add-key'; path: YamlPath; key: string; value: Record<string, unknown> };

const BOX_KEYS = ['col', 'cols', 'row', 'rows'] as const;

/**
 * edition.yaml with one change. The change is made with the yaml Document API; the text is
 * then the old text with only the changed scalars (or the appended lines) spliced in, so
 * comments, key order, quoting, flow style and spacing elsewhere stay byte for byte. The
 * spliced text is checked to read back as the Document says; when it cannot be spliced
 * (a missing map, a flow list), the Document is written out whole, comments kept.
 */
export function applyYamlChange(text: string, change: YamlChange): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`edition.yaml does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
  applyToDocument(doc, change);
  const expected = doc.toJS() as unknown;
  const spliced = splice(text, change);
  if (spliced !== undefined && readsAs(spliced, expected)) return spliced;
  const whole = doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
  if (!readsAs(whole, expected)) throw new Error('The change to edition.yaml did not read back as made');
  return whole;
}

function readsAs(text: string, expected: unknown): boolean {
  const doc = parseDocument(text);
  return doc.errors.length === 0 && isDeepStrictEqual(doc.toJS(), expected);
}

function applyToDocument(doc: Document, change: YamlChange): void {
  if (change.kind === 'append') {
    const list = doc.getIn(change.path, true);
    if (!isSeq(list)) throw new Error(`edition.yaml has no list at ${change.path.join('.')}`);
    list.add(flowBoxes(doc, change.entry));
    return;
  }
  if (change.kind === 'replace') {
    const list = doc.getIn(change.path.slice(0, -1), true);
    const index = change.path[change.path.length - 1];
    if (!isSeq(list) || typeof index !== 'number' || !list.items[index]) throw new Error(`edition.yaml has no entry at ${change.path.join('.')}`);
    list.items[index] = flowBoxes(doc, change.entry);
    return;
  }
  if (change.kind === 'add-key') {
    const map = doc.getIn(change.path, true);
    if (!isMap(map) || map.has(change.key)) throw new Error(`edition.yaml has no entry at ${change.path.join('.')} without \`${change.key}\``);
    map.set(change.key, doc.createNode(change.value, { flow: true }));
    return;
  }
  const parent = change.path.slice(0, -1);
  if (!isCollection(doc.getIn(parent, true))) throw new Error(`edition.yaml has no entry at ${parent.join('.')}`);
  if (!isMap(doc.getIn(change.path, true))) {
    doc.setIn(change.path, doc.createNode({ ...change.box }, { flow: true }));
  } else {
    // setIn on an existing scalar changes its value and keeps the node (and its comment).
    for (const key of BOX_KEYS) if (doc.getIn([...change.path, key]) !== change.box[key]) doc.setIn([...change.path, key], change.box[key]);
  }
  for (const key of change.remove ?? []) doc.deleteIn([...parent, key]);
}

/** A new entry's maps (its `box`, a stack's stories) in flow style, as edition.yaml writes them. */
function flowBoxes(doc: Document, entry: Record<string, unknown>): Node {
  const node = doc.createNode(entry);
  if (!isMap(node)) return node;
  for (const pair of node.items) {
    if (isMap(pair.value)) pair.value.flow = true;
    if (isSeq(pair.value)) for (const item of pair.value.items) if (isMap(item)) item.flow = true;
  }
  return node;
}

/** The old text with the change spliced in, or undefined when that is not simple. */
function splice(text: string, change: YamlChange): string | undefined {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (change.kind === 'set-box') {
    const removed = (change.remove ?? []).filter((key) => doc.hasIn([...change.path.slice(0, -1), key]));
    if (removed.length > 0) return spliceReplacedKey(text, doc, change, removed);
    const map = doc.getIn(change.path, true);
    if (!isMap(map)) return undefined;
    const edits: { from: number; to: number; text: string }[] = [];
    for (const key of BOX_KEYS) {
      const node = map.get(key, true);
      if (!isScalar(node) || !node.range) return undefined;
      if (node.value === change.box[key]) continue;
      edits.push({ from: node.range[0], to: node.range[1], text: String(change.box[key]) });
    }
    edits.sort((a, b) => b.from - a.from);
    return edits.reduce((out, e) => out.slice(0, e.from) + e.text + out.slice(e.to), text);
  }
  if (change.kind === 'add-key') return spliceKey(text, doc, change);
  if (change.kind === 'replace') return spliceReplacedEntry(text, doc, change);
  const list = doc.getIn(change.path, true);
  if (isSeq(list) && list.flow && list.items.length === 0) return spliceIntoEmpty(text, doc, change);
  if (!isSeq(list) || list.flow || list.items.length === 0) return undefined;
  const first = list.items[0] as Node;
  const last = list.items[list.items.length - 1] as Node;
  if (!first.range || !last.range) return undefined;
  const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
  const dash = text.slice(lineStart, first.range[0]);
  if (!/^ *- +$/.test(dash)) return undefined;
  const lines = isMap(first) && first.flow ? [`${dash}${inline(change.entry)}`] : entryLines(change.entry, dash);
  return insertLinesAfter(text, first.range[0], last.range[1], lines);
}

/** A block list item: `- key: value` lines, a list value as `key:` and one flow item a line below it. */
function entryLines(entry: Record<string, unknown>, dash: string): string[] {
  const indent = ' '.repeat(dash.length);
  return Object.entries(entry).flatMap(([key, value], i) => {
    const lead = i === 0 ? dash : indent;
    return Array.isArray(value) ? [`${lead}${key}:`, ...value.map((item) => `${indent}  - ${inline(item)}`)] : [`${lead}${key}: ${inline(value)}`];
  });
}

/** The lines of a block list item, from its dash to its last character, given over to the new entry. */
function spliceReplacedEntry(text: string, doc: Document, change: Extract<YamlChange, { kind: 'replace' }>): string | undefined {
  const item = doc.getIn(change.path, true) as Node | undefined;
  if (!isMap(item) || item.flow || !item.range) return undefined;
  const lineStart = text.lastIndexOf('\n', item.range[0] - 1) + 1;
  const dash = text.slice(lineStart, item.range[0]);
  if (!/^ *- +$/.test(dash)) return undefined;
  let end = item.range[1];
  while (end > item.range[0] && /\s/.test(text[end - 1]!)) end--;
  // A comment in the entry would be lost with it: then the whole Document is written instead.
  if (text.slice(item.range[0], end).includes('#')) return undefined;
  const lineEnd = text.indexOf('\n', end);
  const rest = lineEnd < 0 ? '' : text.slice(lineEnd + 1);
  return `${text.slice(0, lineStart)}${entryLines(change.entry, dash).join('\n')}\n${rest}`;
}

/** `slot: ear` → `box: {…}`: the one key the box replaces, in its place. */
function spliceReplacedKey(text: string, doc: Document, change: Extract<YamlChange, { kind: 'set-box' }>, removed: string[]): string | undefined {
  const parent = doc.getIn(change.path.slice(0, -1), true);
  if (removed.length !== 1 || !isMap(parent) || parent.flow || doc.hasIn(change.path)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === removed[0]);
  const key = pair?.key as Node | undefined;
  const value = pair?.value as Node | undefined;
  if (!key?.range || !value?.range) return undefined;
  return `${text.slice(0, key.range[0])}${change.path[change.path.length - 1]}: ${inline(change.box)}${text.slice(value.range[1])}`;
}

/** `stories: []` (an empty page) becomes a block list with the entry, indented under its key. */
function spliceIntoEmpty(text: string, doc: Document, change: Extract<YamlChange, { kind: 'append' }>): string | undefined {
  const list = doc.getIn(change.path, true) as Node;
  const parent = doc.getIn(change.path.slice(0, -1), true);
  const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === change.path[change.path.length - 1]) : undefined;
  const key = pair?.key as Node | undefined;
  if (!list.range || !key?.range || text.slice(list.range[0], list.range[1]).replace(/\s/g, '') !== '[]') return undefined;
  const column = key.range[0] - (text.lastIndexOf('\n', key.range[0] - 1) + 1);
  const dash = `${' '.repeat(column + 2)}- `;
  const lines = entryLines(change.entry, dash);
  // `key: [] # note` → `key: # note`, then the entry's lines.
  const colon = text.lastIndexOf(':', list.range[0]);
  const lineEnd = text.indexOf('\n', list.range[1]);
  const rest = lineEnd < 0 ? text.slice(list.range[1]) : text.slice(list.range[1], lineEnd);
  return `${text.slice(0, colon + 1)}${rest}\n${lines.join('\n')}\n${lineEnd < 0 ? '' : text.slice(lineEnd + 1)}`;
}

/** Lines inserted after the line where a node ends (a block map's range runs on to the next entry: its last character). */
function insertLinesAfter(text: string, start: number, end: number, lines: string[]): string {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  const lineEnd = text.indexOf('\n', end);
  if (lineEnd < 0) return `${text}\n${lines.join('\n')}\n`;
  return `${text.slice(0, lineEnd + 1)}${lines.join('\n')}\n${text.slice(lineEnd + 1)}`;
}

/** `key: {…}` added to a flow map before its `}`, or as a line of a block map at its keys' indent. */
function spliceKey(text: string, doc: Document, change: Extract<YamlChange, { kind: 'add-key' }>): string | undefined {
  const map = doc.getIn(change.path, true);
  if (!isMap(map) || !map.range || map.items.length === 0) return undefined;
  const pair = `${change.key}: ${inline(change.value)}`;
  if (map.flow) {
    const close = text.lastIndexOf('}', map.range[1]);
    return close < map.range[0] ? undefined : `${text.slice(0, close)}, ${pair}${text.slice(close)}`;
  }
  const firstKey = map.items[0]!.key as Node | null;
  if (!firstKey?.range) return undefined;
  const column = firstKey.range[0] - (text.lastIndexOf('\n', firstKey.range[0] - 1) + 1);
  return insertLinesAfter(text, map.range[0], map.range[1], [`${' '.repeat(column)}${pair}`]);
}

/** A value in flow style: numbers and `auto` plain, names plain when safe, else quoted. */
function inline(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return /^[\p{L}\p{N}_][\p{L}\p{N}_./-]*$/u.test(value) && !/^[\d.]+$/.test(value) && !['true', 'false', 'null', 'yes', 'no', 'on', 'off'].includes(value) ? value : JSON.stringify(value);
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${inline(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}
