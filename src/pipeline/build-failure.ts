import { OutputLockedError } from '../util/output-lock.js';
import type { ReportMessage } from '../report/messages.js';

/**
 * The one report message for an exception that stopped an edition's build. Disk and
 * permission failures name the output folder and what to do, since they are the
 * machine's fault, not the edition's; anything else is quoted as it was thrown.
 */
export function buildFailureMessage(error: unknown, out: string): ReportMessage {
  const { code, message } = error as NodeJS.ErrnoException;
  const text = (reason: string, ruleId: string): ReportMessage => ({ severity: 'error', file: '', line: null, column: null, message: reason, ruleId });
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return text(`The disk of the output folder ${out} is full (${code}); free space there or build into another --out folder. Files written before are kept as they were`, 'disk-full');
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return text(`The output folder ${out} cannot be written (${code}); make it writable or build into another --out folder`, 'output-not-writable');
  }
  if (error instanceof OutputLockedError) return text(error.message, 'output-locked');
  return text(`Build stopped: ${message ?? String(error)}`, 'build-failed');
}

const DISK_FULL = /\b(ENOSPC|EDQUOT)\b|no space left on device/i;

/**
 * A full disk fails every page, plate and cache write after it, each with its own raw
 * ENOSPC. Keep one message that names the output folder and the pages it cost instead.
 */
export function collapseDiskFull(messages: ReportMessage[], out: string): ReportMessage[] {
  const full = messages.filter((m) => m.ruleId === 'disk-full' || DISK_FULL.test(m.message));
  if (full.length === 0) return messages;
  const pages = [...new Set(full.map((m) => m.page).filter(Boolean))].sort();
  const one = buildFailureMessage(Object.assign(new Error('disk full'), { code: 'ENOSPC' }), out);
  if (pages.length > 0) one.message += ` (pages not written this time: ${pages.join(', ')})`;
  return [...messages.filter((m) => !full.includes(m)), one];
}
