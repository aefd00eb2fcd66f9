import Handlebars from 'handlebars';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { codeFrame, displayPath } from './preview-messages.js';
import type { PreviewMessage } from './preview-state.js';

/**
 * Handlebars compiles lazily and its errors do not name the template, so when rendering
 * fails we parse each template file ourselves to find the one at fault and its line.
 */
export async function findTemplateErrors(templatesDir: string, cwd = process.cwd()): Promise<PreviewMessage[]> {
  const files: string[] = [join(templatesDir, 'edition.hbs')];
  for (const folder of ['partials', 'pages']) {
    const names = await readdir(join(templatesDir, folder)).catch(() => [] as string[]);
    files.push(...names.filter((n) => n.endsWith('.hbs')).map((n) => join(templatesDir, folder, n)));
  }
  const found: PreviewMessage[] = [];
  for (const path of files) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      Handlebars.parse(text);
    } catch (error) {
      const { message, line, column } = describeParseError(error);
      found.push({
        severity: 'error',
        file: displayPath(path, cwd),
        line,
        column,
        message: `Template does not compile: ${message}`,
        ruleId: 'template-syntax',
        frame: codeFrame(text, line, column),
      });
    }
  }
  return found;
}

function describeParseError(error: unknown): { message: string; line: number | null; column: number | null } {
  const e = error as { message?: string; lineNumber?: number; column?: number };
  const text = e.message ?? String(error);
  const lineMatch = /on line (\d+)/.exec(text);
  const line = e.lineNumber ?? (lineMatch ? Number(lineMatch[1]) : null);
  // Jison's message repeats the source with a caret; the last line says what it expected.
  const expected = text.split('\n').pop() ?? text;
  return { message: lineMatch ? expected : text.replace(/ - \d+:\d+$/, ''), line, column: e.column !== undefined ? e.column + 1 : null };
}
