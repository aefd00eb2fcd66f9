import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';

/**
 * Random mutations of the sample edition's text, as a careless or hostile writer makes them:
 * bytes, YAML structure, front matter, Markdown syntax, directives and their attributes, and
 * paths. Each case is a short chain of mutations of one seed text.
 */

export type Mutation = (text: string) => string;

/** A position in the text as a fraction, so a case stays meaningful while it shrinks. */
const at = fc.double({ min: 0, max: 1, noNaN: true });
const pos = (text: string, fraction: number) => Math.min(text.length, Math.floor(fraction * text.length));
/** An index into a list of `n` from a fraction (1 included). */
const pick = (fraction: number, n: number) => Math.min(n - 1, Math.floor(fraction * n));

const SYNTAX = ':-[]{}&*!|>\'"#%@`, ?\n\t\r\\/=<()~_+.'.split('');
const ODD = ['\u0000', '\u0007', '\u001b', '\uFEFF', '\u200B', '\u202E', '\uFFFD', '\uD800', '\u3000', '\r\n', '𠀀', '🀄', '、', '，', '“', '（'];
const char = fc.oneof(fc.constantFrom(...SYNTAX), fc.constantFrom(...ODD), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }));

/** Insert, delete or overwrite a few characters, or cut the text short (a truncated save). */
const byteMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(at, fc.array(char, { minLength: 1, maxLength: 8 })).map(([f, cs]): Mutation => (t) => t.slice(0, pos(t, f)) + cs.join('') + t.slice(pos(t, f))),
  fc.tuple(at, fc.integer({ min: 1, max: 40 })).map(([f, n]): Mutation => (t) => t.slice(0, pos(t, f)) + t.slice(pos(t, f) + n)),
  fc.tuple(at, char).map(([f, c]): Mutation => (t) => t.slice(0, pos(t, f)) + c + t.slice(pos(t, f) + 1)),
  at.map((f): Mutation => (t) => t.slice(0, pos(t, f))),
  fc.tuple(at, at).map(([a, b]): Mutation => (t) => {
    // A line duplicated or moved: a paste in the wrong place.
    const lines = t.split('\n');
    const from = pick(a, lines.length);
    const to = Math.floor(b * lines.length);
    lines.splice(to, 0, lines[from] ?? '');
    return lines.join('\n');
  }),
);

export const HOSTILE_PATHS = [
  '../../etc/passwd',
  '/etc/passwd',
  '..',
  '.',
  '',
  'images/',
  'a\u0000b.md',
  'http://evil.example/a.md',
  'file:///etc/passwd',
  '%2e%2e/%2e%2e/etc/passwd',
  '~/.ssh/id_rsa',
  'C:\\Windows\\win.ini',
  'images/../../../../etc/shadow',
  `${'长'.repeat(300)}.md`,
  'edition.yaml',
  'images',
  '/dev/zero',
  '/proc/self/environ',
  'data:image/svg+xml,<svg onload=alert(1)>',
];

/** Odd YAML values for any field. */
const yamlValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, Number.NaN, '', ' ', 'auto', 'A1', '2026-02-30', '1/0', [], {}),
  fc.constantFrom(...HOSTILE_PATHS),
  fc.integer({ min: -1000, max: 100_000 }),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.array(fc.integer({ min: -5, max: 200 }), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('col', 'cols', 'row', 'rows', 'page', 'box', 'file', 'x'), fc.integer({ min: -5, max: 200 }), { maxKeys: 4, noNullPrototype: true }),
);

/** Set, delete or duplicate a node found by walking the parsed document at random. */
const structureMutation: fc.Arbitrary<Mutation> = fc
  .tuple(fc.array(at, { minLength: 1, maxLength: 6 }), fc.constantFrom('set', 'delete', 'duplicate', 'add-key'), yamlValue)
  .map(([walk, op, value]): Mutation => (text) => {
    const doc = parseDocument(text, { logLevel: 'silent' });
    if (doc.errors.length > 0) return text;
    let root: unknown;
    try {
      root = doc.toJS();
    } catch {
      return text; // an alias flood from an earlier step: the product's case, not this mutator's
    }
    let parent: Record<string | number, unknown> | unknown[] | undefined;
    let key: string | number | undefined;
    let node = root;
    for (const f of walk) {
      // Plain mappings and lists only: not into the Buffer of a `!!binary` or a `!!set`.
      if (!Array.isArray(node) && (node === null || typeof node !== 'object' || Object.getPrototypeOf(node) !== Object.prototype)) break;
      const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
      if (keys.length === 0) break;
      parent = node as Record<string | number, unknown>;
      key = keys[pick(f, keys.length)]!;
      node = (parent as Record<string | number, unknown>)[key];
    }
    if (!parent || key === undefined) return text;
    const p = parent as Record<string | number, unknown>;
    if (op === 'set') p[key] = value;
    else if (op === 'delete') Array.isArray(parent) ? parent.splice(key as number, 1) : delete p[key];
    else if (op === 'duplicate') Array.isArray(parent) ? parent.splice(key as number, 0, structuredClone(node)) : (p[`${key}2`] = node);
    else if (!Array.isArray(parent)) p[`unknown_${String(key)}`] = value;
    return stringify(root);
  });

/** YAML that parsers have trouble with: aliases, tags, merges, deep nesting, several documents. */
const YAML_SNIPPETS = [
  'x: &a [1]\ny: *a\n',
  'bomb: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
  'f: !!js/function "function () { process.exit(1) }"\n',
  'g: !custom x\n',
  'h: !!binary aGVsbG8=\n',
  'm: &m {a: 1}\nn: {<<: *m, b: 2}\n',
  `deep: ${'['.repeat(300)}${']'.repeat(300)}\n`,
  '---\na: 1\n---\nb: 2\n',
  '? [complex, key]\n: value\n',
  'dup: 1\ndup: 2\n',
  '\t tabbed: 1\n',
  'date: 2026-13-45\n',
  `long: ${'长'.repeat(5000)}\n`,
  '%YAML 1.1\n---\nyes: on\n',
  '*undefined_alias\n',
  'k: |\n  block\n wrong indent\n',
];
/** One of `snippets` inserted as lines at a random line (never above line `first`). */
function insertSnippet(snippets: string[], first = 0): fc.Arbitrary<Mutation> {
  return fc.tuple(at, fc.constantFrom(...snippets)).map(([f, snippet]): Mutation => (t) => {
    const lines = t.split('\n');
    lines.splice(Math.max(first, Math.floor(f * lines.length)), 0, snippet.replace(/\n$/, ''));
    return lines.join('\n');
  });
}
const snippetMutation = insertSnippet(YAML_SNIPPETS);

/** Replace a `file:` or `src=` value with a hostile path. */
const pathMutation: fc.Arbitrary<Mutation> = fc
  .tuple(at, fc.constantFrom(...HOSTILE_PATHS))
  .map(([f, path]): Mutation => (t) => {
    // A `file:` value may already be quoted by an earlier step: replace it whole.
    const spots = [...t.matchAll(/(file: |src=")("(?:[^"\\\n]|\\.)*"|[^\s"}]*)/g)].filter((m) => m[1] === 'file: ' || !m[2]!.startsWith('"'));
    if (spots.length === 0) return t;
    const spot = spots[pick(f, spots.length)]!;
    const start = spot.index! + spot[1]!.length;
    const quoted = spot[1] === 'file: ' ? JSON.stringify(path) : path.replace(/"/g, '&quot;');
    return t.slice(0, start) + quoted + t.slice(start + spot[2]!.length);
  });

/** A number of the text (a box's column, a row count, the date) set to a neighbour or an edge: valid YAML, odd layout. */
const numberMutation: fc.Arbitrary<Mutation> = fc
  .tuple(at, fc.oneof(fc.constantFrom(-1, 0, 1, 7, 8, 9, 13, 98, 99, 100, 1e6), fc.integer({ min: -3, max: 3 }).map((d) => `+${d}`)))
  .map(([f, to]): Mutation => (t) => {
    const spots = [...t.matchAll(/\b\d+\b/g)];
    if (spots.length === 0) return t;
    const spot = spots[pick(f, spots.length)]!;
    const value = typeof to === 'string' ? Number(spot[0]) + Number(to.slice(1)) : to;
    return t.slice(0, spot.index) + String(value) + t.slice(spot.index! + spot[0].length);
  });

/** Mutations that keep the YAML well-formed, so the schema, the grid and the jumps are reached. */
export const validYamlMutation: fc.Arbitrary<Mutation> = fc.oneof(structureMutation, numberMutation, pathMutation);

export const yamlMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: byteMutation, weight: 3 },
  { arbitrary: validYamlMutation, weight: 6 },
  { arbitrary: snippetMutation, weight: 2 },
);

/** Markdown and directive syntax that stresses the parser, the sanitiser and our plugins. */
const MARKDOWN_SNIPPETS = [
  ':::note{title="编前语"}\n未闭合的编者按',
  ':::sidebar{title="链接" cols=99 place="nowhere"}\n内容\n:::',
  ':::sidebar{title=}\n:::',
  '::figure{src="images/missing.jpg" caption="无图" cols=0}',
  '::figure{src="images/borui-dianzi.jpg" cols=-3 caption}',
  '::figure{}',
  ':::unknown{x=1}\n正文\n:::',
  ':::note\n:::sidebar\n:::note\n深\n:::\n:::\n:::',
  '::::note{title="四冒号"}\n正文\n::::',
  '{#id .class key=value}',
  `${'> '.repeat(60)}引用`,
  `${'- '.repeat(40)}列表`,
  `${'*'.repeat(700)}强调${'*'.repeat(700)}`,
  `${'_a'.repeat(400)}`,
  '| a | b |\n|---|---|\n| 1 | 2 |',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[link](javascript:alert(1)) [ref][r]\n\n[r]: file:///etc/passwd',
  '![图](../../etc/passwd)',
  '![图](data:image/svg+xml;base64,PHN2Zz4=)',
  '![图](http://evil.example/a.jpg)',
  `# ${'标'.repeat(2000)}`,
  '######## 八级标题',
  '```js\nalert(1)\n',
  '[^1]\n\n[^1]: 脚注',
  '---\n---\n---',
  '\\',
  '&#0; &#x110000; &nbsp; &lt;script&gt;',
  'Setext\n===',
  '  \n\t\n\u000b\f',
];
const markdownSnippet = insertSnippet(MARKDOWN_SNIPPETS, 1);

/** Change the front matter: its YAML, its fences. */
const frontMatterMutation: fc.Arbitrary<Mutation> = fc.oneof(
  yamlMutation.map((m): Mutation => (t) => {
    const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(t);
    if (!match) return t;
    return `---\n${m(match[1]!)}\n---${t.slice(match[0].length)}`;
  }),
  fc.constantFrom<Mutation>(
    (t) => t.replace(/^---\r?\n/, ''), // opening fence lost
    (t) => t.replace(/\n---\r?\n/, '\n'), // closing fence lost
    (t) => t.replace(/^---/, '+++'),
    (t) => `\uFEFF${t}`,
    (t) => t.replace(/\n/g, '\r\n'),
    (t) => t.replace(/^title: .*$/m, 'title:'),
  ),
);

export const articleMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: byteMutation, weight: 4 },
  { arbitrary: markdownSnippet, weight: 4 },
  { arbitrary: frontMatterMutation, weight: 3 },
  { arbitrary: pathMutation, weight: 1 },
);

/** Mutations of the body only, below the front matter: the article still loads and reaches the browser. */
export const bodyMutation: fc.Arbitrary<Mutation> = fc.oneof(byteMutation, markdownSnippet, pathMutation).map((m): Mutation => (t) => {
  const match = /^---\r?\n[\s\S]*?\r?\n---\r?\n/.exec(t);
  const head = match?.[0] ?? '';
  return head + m(t.slice(head.length));
});

/** A chain of 1 to `max` mutations applied in turn. */
export function chain(mutation: fc.Arbitrary<Mutation>, max = 4): fc.Arbitrary<Mutation> {
  return fc.array(mutation, { minLength: 1, maxLength: max }).map((steps) => (text: string) => steps.reduce((t, step) => step(t), text));
}
