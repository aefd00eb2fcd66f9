/** The copyfit fields the terminal, `check` and the preview describe, wherever they come from. */
export interface CopyfitFacts {
  overset: { chars: number; lines: number };
  short: { lines: number };
  continuedOn?: string | null;
  fitted?: { trackingEm?: number; headlineSteps?: number; figureLines?: number; spacingLines?: number };
  writeToFit?: { cut?: number; add?: number };
}

const signed = (n: number, unit: string) => `${n > 0 ? '+' : '−'}${Math.abs(n)}${unit}`;

/** `tracking −0.02 em, photo −2 lines`: what typography.fit changed. */
export function describeFitted(fitted: NonNullable<CopyfitFacts['fitted']>): string {
  const parts: string[] = [];
  if (fitted.trackingEm) parts.push(`tracking ${signed(fitted.trackingEm, ' em')}`);
  if (fitted.figureLines) parts.push(`photo ${signed(fitted.figureLines, ` ${Math.abs(fitted.figureLines) === 1 ? 'line' : 'lines'}`)}`);
  if (fitted.headlineSteps) parts.push(`headline ${signed(fitted.headlineSteps, ` ${Math.abs(fitted.headlineSteps) === 1 ? 'step' : 'steps'}`)}`);
  if (fitted.spacingLines) parts.push(`${fitted.spacingLines} ${fitted.spacingLines === 1 ? 'line' : 'lines'} of air`);
  return parts.join(', ');
}

/** `overset 37 chars / 3 lines (cut 37 chars)`, `short 4 lines (write 52 more chars)`, `fitted: …`, `fits`. */
export function describeCopyfit(fit: CopyfitFacts): string {
  const parts: string[] = [];
  if (fit.overset.chars > 0) parts.push(`overset ${fit.overset.chars} chars / ${fit.overset.lines} lines (cut ${fit.writeToFit?.cut ?? fit.overset.chars} chars)`);
  if (fit.continuedOn) parts.push(`continues on ${fit.continuedOn}`);
  if (fit.short.lines > 0 && !fit.continuedOn) {
    const add = fit.writeToFit?.add;
    parts.push(`short ${fit.short.lines} ${fit.short.lines === 1 ? 'line' : 'lines'}${add ? ` (write ${add} more chars)` : ''}`);
  }
  const fitted = fit.fitted && describeFitted(fit.fitted);
  if (fitted) parts.push(`fitted: ${fitted}`);
  return parts.length > 0 ? parts.join(', ') : 'fits';
}
