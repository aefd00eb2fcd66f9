import { LineCounter, isMap, isNode, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { VFile } from 'vfile';
import type { ZodType } from 'zod';

/** Report an error on a file: a vfile message marked fatal, without throwing. */
export function reportError(
  file: VFile,
  reason: string,
  options: { place?: { line: number; column: number }; ruleId: string },
): void {
  const message = file.message(reason, { place: options.place, ruleId: options.ruleId, source: 'presswork' });
  message.fatal = true;
}

/**
 * Parse YAML text and validate it against a schema. Every problem becomes a fatal
 * message on `file` at the line and column of the offending field.
 * `lineOffset` shifts positions, for front matter that starts below line 1.
 */
export interface ParsedYaml<T> {
  data: T | undefined;
  /** Line and column of the node at `path` (or its nearest existing parent). */
  locate(path: (string | number)[]): { line: number; column: number };
}

export function parseYamlWithSchema<T>(
  file: VFile,
  text: string,
  schema: ZodType<T>,
  lineOffset = 0,
): ParsedYaml<T> {
  const lineCounter = new LineCounter();
  // logLevel: the library would print its warnings on stderr; we report them on the file instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + lineOffset, column: pos.col };
  };
  const locate = (path: (string | number)[]) => at(offsetOfPath(doc, path));
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const hint = YAML_HINTS[error.code] ? `; ${YAML_HINTS[error.code]}` : '';
      reportError(file, `YAML does not parse: ${firstLine(error.message)}${hint}`, {
        place: at(error.pos[0]),
        ruleId: 'yaml-syntax',
      });
    }
    return { data: undefined, locate };
  }
  reportYamlWarnings(file, doc.warnings, text, at);
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // The library refuses some documents only while building values (an alias flood);
    // that is this file's error, not the process's.
    reportError(file, `YAML was refused: ${firstLine((error as Error).message)}; ${refusalHint(error)}`, {
      place: at(firstAliasOffset(doc) ?? 0),
      ruleId: 'yaml-refused',
    });
    return { data: undefined, locate };
  }
  // reportInput: the messages quote what was found, not only what was expected.
  const result = schema.safeParse(value ?? {}, { reportInput: true });
  if (result.success) return { data: result.data, locate };
  for (const issue of result.error.issues as SchemaIssue[]) {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    const { reason, at: target, key } = describeIssue(issue, path);
    const place = key ? at(offsetOfKey(doc, target) ?? offsetOfPath(doc, target)) : locate(target);
    reportError(file, reason, { place, ruleId: 'schema' });
  }
  return { data: undefined, locate };
}

/**
 * The library's warnings, most often a tag it does not know (`!!js/function`, `!custom`):
 * it reads the value as plain text, which may not be what the writer meant.
 */
function reportYamlWarnings(
  file: VFile,
  warnings: readonly { code: string; message: string; pos: [number, number] }[],
  text: string,
  at: (offset: number) => { line: number; column: number },
): void {
  for (const warning of warnings) {
    const reason =
      warning.code === 'TAG_RESOLVE_FAILED'
        ? `Unknown YAML tag \`${text.slice(warning.pos[0], warning.pos[1]).trim()}\`: its value is read as plain text; remove the tag`
        : `YAML: ${firstLine(warning.message)}`;
    file.message(reason, { place: at(warning.pos[0]), ruleId: warning.code === 'TAG_RESOLVE_FAILED' ? 'yaml-tag' : 'yaml-warning', source: 'presswork' }).fatal = false;
  }
}

function refusalHint(error: unknown): string {
  return /alias/i.test((error as Error).message)
    ? 'expected aliases (`*name`) that repeat a value a few times, not aliases of aliases that multiply it: write the values out'
    : 'expected plain YAML: fields, lists and text';
}

/** Where the first `*alias` is: the line to point at when the aliases expand too far. */
function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** What to do about the YAML mistakes people make most. */
const YAML_HINTS: Partial<Record<string, string>> = {
  BLOCK_AS_IMPLICIT_KEY: 'put quotes around a value that contains `: `',
  TAB_AS_INDENT: 'indent with spaces',
  DUPLICATE_KEY: 'each field may appear only once',
  BAD_INDENT: 'check the indentation of this line and the one above',
};

/** The parts of a zod issue we read; the codes are zod 4's. */
interface SchemaIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  values?: unknown[];
  keys?: string[];
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  errors?: SchemaIssue[][];
}

/**
 * A message that names the field, says what was found and what was expected, and the path
 * of the node to point at (an unknown field points at its key, not at its parent).
 */
function describeIssue(
  issue: SchemaIssue,
  path: (string | number)[],
): { reason: string; at: (string | number)[]; key?: boolean } {
  const field = `\`${formatPath(path) || '(top level)'}\``;
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const keys = issue.keys.map((k) => `\`${k}\``).join(', ');
    const where = path.length > 0 ? ` in ${field}` : '';
    return { reason: `Unknown field ${keys}${where}; check the spelling or remove it`, at: [...path, issue.keys[0]!], key: true };
  }
  if (issue.code === 'invalid_union') {
    // The value had the right shape for one alternative but a field inside it is wrong: say that.
    const nested = issue.errors?.find((branch) => branch.some((inner) => inner.path.length > 0))?.find((inner) => inner.path.length > 0);
    if (nested) return describeIssue(nested, [...path, ...nested.path.filter((key): key is string | number => typeof key !== 'symbol')]);
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return { reason: `Missing required field ${field}; expected ${describeExpected(issue)}`, at: path };
  }
  return { reason: `Invalid ${field}: found ${describeValue(issue.input)}, expected ${describeExpected(issue)}`, at: path };
}

function describeExpected(issue: SchemaIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected ?? ''] ?? `a ${issue.expected}`;
    case 'invalid_value':
      return oneOf((issue.values ?? []).map((v) => `\`${String(v)}\``));
    case 'invalid_union':
      return oneOf(
        (issue.errors ?? []).flatMap((branch) =>
          branch[0]?.code === 'invalid_value' ? (branch[0].values ?? []).map((v) => `\`${String(v)}\``) : branch[0] ? [describeExpected(branch[0])] : [],
        ),
      );
    case 'too_small':
    case 'too_big':
      return describeBound(issue);
    case 'invalid_format':
      // A schema's own message (`expected a page id like A1`) says it best.
      return issue.message.startsWith('expected ') ? issue.message.slice('expected '.length) : `text matching ${(issue as { pattern?: string }).pattern ?? issue.format}`;
    default:
      return issue.message.replace(/^expected /, '');
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: '`true` or `false`',
  array: 'a list',
  object: 'a mapping of fields',
  date: 'a date',
};

function describeBound(issue: SchemaIssue): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'string') return small ? (limit <= 1 ? 'non-empty text' : `at least ${limit} characters`) : `at most ${limit} characters`;
  if (issue.origin === 'array') return small ? `at least ${limit} ${limit === 1 ? 'entry' : 'entries'}` : `at most ${limit} entries`;
  const op = small ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
  return `a number ${op} ${limit}`;
}

function oneOf(options: string[]): string {
  const unique = [...new Set(options)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `one of ${unique.join(', ')}`;
}

/** What a YAML value looks like to the person who typed it. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value === '' ? 'empty text' : `the text \`${clip(value)}\``;
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${value}`;
  if (typeof value === 'boolean') return `\`${value}\``;
  if (value instanceof Date) return `the date ${value.toISOString().slice(0, 10)}`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  return 'a mapping of fields';
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/** Offset of the key of the last field in `path`, e.g. an unknown field's name. */
function offsetOfKey(doc: Document, path: (string | number)[]): number | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path[path.length - 1]);
  return isNode(pair?.key) && pair.key.range ? pair.key.range[0] : undefined;
}

/** Offset of the deepest existing node along `path` (a missing field points at its parent). */
function offsetOfPath(doc: Document, path: (string | number)[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

export function formatPath(path: (string | number)[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
