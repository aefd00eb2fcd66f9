import { countBySeverity, type EditionReport } from './edition-report.js';
import { describeCopyfit } from './copyfit-text.js';
import type { ReportMessage } from './messages.js';

function location(m: ReportMessage): string {
  const where = [m.file, m.line, m.column].filter((part) => part !== null && part !== '').join(':');
  return where || (m.page ? `page ${m.page}` : '');
}

/** Infos the desk must see even so: a character set in another font than its role's own. */
const SHOWN_INFOS = new Set(['font-fallback', 'house-font-coverage']);

/** vfile-reporter–style lines: `file:line:column  severity  message  ruleId`. */
export function formatMessages(messages: ReportMessage[], minimum: 'info' | 'warning' = 'warning'): string {
  const shown = messages.filter((m) => minimum === 'info' || m.severity !== 'info' || SHOWN_INFOS.has(m.ruleId));
  return shown.map((m) => `  ${location(m)}  ${m.severity}  ${m.message}  ${m.ruleId}`).join('\n');
}

/** The copyfit table and totals, as the desk reads them in the terminal. */
export function formatEditionSummary(report: EditionReport): string {
  const lines = [`${report.edition}: ${report.ok ? 'ok' : 'FAILED'}${report.pdf ? ` → ${report.pdf}` : ''}`];
  for (const page of report.pages) {
    for (const story of page.stories) {
      lines.push(`  ${page.id} ${story.story}${story.part === 'cont' ? ' (continued)' : ''}: ${describeCopyfit(story)}`);
    }
    for (const ad of page.ads ?? []) {
      const scaled = ad.scale === 1 ? 'as supplied' : `scaled ${((ad.scale - 1) * 100).toFixed(1)} %`;
      lines.push(`  ${page.id} ad ${ad.file}${ad.client ? ` (${ad.client})` : ''}: ${ad.widthMm} × ${ad.heightMm} mm ${ad.kind}, ${scaled}`);
    }
  }
  const { errors, warnings } = countBySeverity(report.messages);
  const body = formatMessages(report.messages);
  if (body) lines.push(body);
  lines.push(`  ${errors} errors, ${warnings} warnings, ${(report.timings.total ?? 0) / 1000} s`);
  return lines.join('\n');
}
