/** A continuation's fit as the preview last laid it out. */
export interface ContinuationFit {
  overset: { chars: number };
  short: { lines: number };
}

/**
 * Characters the continuation box would be overset by once the source story hands over
 * `liveJumped` characters instead of the `shownJumped` it handed at the last layout: the
 * change in handed-over text against the room the continuation had (its short lines, at
 * full-width characters) or its overset. An estimate for the desk's `≈` chip while a drag
 * is in the hand; the rebuild after the drop gives the real number.
 */
export function estimateContinuationOverset(cont: ContinuationFit, shownJumped: number, liveJumped: number, charsPerLine: number): number {
  const room = cont.overset.chars > 0 ? -cont.overset.chars : cont.short.lines * charsPerLine;
  return Math.max(0, liveJumped - shownJumped - room);
}
