import { OutputLockedError } from './output-lock.js';
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
