import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
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
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + lineOffset, column: pos.col };
  };
  const locate = (path: (string | number)[]) => at(offsetOfPath(doc, path));
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      reportError(file, `YAML does not parse: ${firstLine(error.message)}`, {
        place: at(error.pos[0]),
        ruleId: 'yaml-syntax',
      });
    }
    return { data: undefined, locate };
  }
  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return { data: result.data, locate };
  for (const issue of result.error.issues) {
    const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
    const field = formatPath(path);
    reportError(file, `Invalid \`${field || '(root)'}\`: ${describeIssue(issue)}`, {
      place: locate(path),
      ruleId: 'schema',
    });
  }
  return { data: undefined, locate };
}

function describeIssue(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown field ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
  }
  if (/received undefined/.test(issue.message)) return 'required field is missing';
  return issue.message;
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
