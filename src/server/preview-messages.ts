import { isAbsolute, relative } from 'node:path';
import type { VFile } from 'vfile';
import { severityOf } from '../report/messages.js';
import type { PreviewMessage } from './preview-state.js';

/** A path as staff would type it: relative to `cwd` when inside it, else absolute. */
export function displayPath(path: string, cwd = process.cwd()): string {
  if (!path) return '';
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Source lines around `line` with a caret under `column`, Vite-style; undefined without a position. */
export function codeFrame(text: string, line: number | null, column: number | null, context = 2): string | undefined {
  if (!line || line < 1) return undefined;
  const lines = text.split(/\r?\n/);
  if (line > lines.length) return undefined;
  const first = Math.max(1, line - context);
  const last = Math.min(lines.length, line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line && column && column > 0) out.push(`  ${' '.repeat(width)} | ${' '.repeat(column - 1)}^`);
  }
  return out.join('\n');
}

/** Every message on the files, with display paths and code frames. */
export function previewMessages(files: VFile[], cwd = process.cwd()): PreviewMessage[] {
  return files.flatMap((file) =>
    file.messages.map((m) => {
      const line = m.line ?? null;
      const column = m.column ?? null;
      const text = typeof file.value === 'string' ? file.value : '';
      return {
        severity: severityOf(m.fatal),
        file: displayPath(file.path ?? '', cwd),
        line,
        column,
        message: m.reason,
        ruleId: m.ruleId ?? 'presswork',
        frame: text ? codeFrame(text, line, column) : undefined,
      };
    }),
  );
}

/** A problem that is not on a source file (a failed layout, a template that will not compile). */
export function previewError(message: string, ruleId: string, extra: Partial<PreviewMessage> = {}): PreviewMessage {
  return { severity: 'error', file: '', line: null, column: null, message, ruleId, ...extra };
}
