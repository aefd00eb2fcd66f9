import { relative } from 'node:path';
import type { VFile } from 'vfile';

export type Severity = 'error' | 'warning' | 'info';

export interface ReportMessage {
  severity: Severity;
  file: string;
  line: number | null;
  column: number | null;
  message: string;
  ruleId: string;
  page?: string;
  story?: string;
}

/** An error of the build itself (no source position), optionally about one page. */
export function pageError(page: string, message: string, ruleId: string): ReportMessage {
  return { severity: 'error', file: '', line: null, column: null, message, ruleId, page };
}

export function severityOf(fatal: boolean | null | undefined): Severity {
  return fatal === true ? 'error' : fatal === false ? 'warning' : 'info';
}

/** Flatten vfile messages into report messages with paths relative to `base`. */
export function messagesFromFiles(files: VFile[], base: string): ReportMessage[] {
  return files.flatMap((file) =>
    file.messages.map((m) => ({
      severity: severityOf(m.fatal),
      file: file.path ? relative(base, file.path) || file.path : '',
      line: m.line ?? null,
      column: m.column ?? null,
      message: m.reason,
      ruleId: m.ruleId ?? 'presswork',
    })),
  );
}

export function hasErrors(files: VFile[]): boolean {
  return files.some((f) => f.messages.some((m) => m.fatal === true));
}
