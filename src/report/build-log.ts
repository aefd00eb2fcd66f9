import type { EditionReport } from './edition-report.js';
import { countBySeverity } from './edition-report.js';
import { formatEditionSummary } from './terminal.js';

export type LogFormat = 'text' | 'json';

export interface PageEvent {
  edition: string;
  page: string;
  ok: boolean;
  ms: number;
  cached?: boolean;
}

/** Where build progress goes: plain lines, a bar on a terminal, or one JSON object per line. */
export interface BuildLog {
  start(edition: string, pages: number): void;
  page(event: PageEvent): void;
  edition(report: EditionReport): void;
}

export function createBuildLog(format: LogFormat, write: (text: string) => void, isTTY: boolean): BuildLog {
  if (format === 'json') {
    const emit = (event: Record<string, unknown>) => write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
    return {
      start: (edition, pages) => emit({ event: 'edition-start', edition, pages }),
      page: (e) => emit({ event: 'page', ...e, ms: Math.round(e.ms) }),
      edition: (r) => {
        for (const m of r.messages) emit({ event: 'message', edition: r.edition, ...m });
        emit({ event: 'edition-done', edition: r.edition, ok: r.ok, ...countBySeverity(r.messages), pdf: r.pdf, ms: r.timings.total });
      },
    };
  }
  let total = 0;
  let done = 0;
  return {
    start(_edition, pages) {
      total = pages;
      done = 0;
    },
    page(e) {
      done += 1;
      const what = `${e.edition} ${e.page}: ${e.ok ? (e.cached ? 'reused from cache' : 'built') : 'FAILED'} in ${(e.ms / 1000).toFixed(1)} s`;
      if (!isTTY) return write(`${what}\n`);
      const width = 24;
      const filled = Math.round((done / Math.max(1, total)) * width);
      write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${what}\x1b[K${done === total ? '\n' : ''}`);
    },
    edition(report) {
      write(`${formatEditionSummary(report)}\n`);
    },
  };
}
