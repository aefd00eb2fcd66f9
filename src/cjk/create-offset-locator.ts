export interface SourcePoint {
  line: number;
  column: number;
  offset: number;
}

/**
 * Turn offsets in `source` into 1-based line:column. Give an `anchor` (a point the parser
 * computed, such as the node's start) and columns on its line count from it, which keeps
 * them consistent with the parser's own columns even after a tab.
 */
export function createOffsetLocator(source: string) {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);

  return function locate(offset: number, anchor?: { line: number; column: number; offset?: number }): SourcePoint {
    const clamped = Math.max(0, Math.min(offset, source.length));
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] as number) <= clamped) low = mid;
      else high = mid - 1;
    }
    const line = low + 1;
    if (anchor && anchor.offset !== undefined && anchor.line === line && anchor.offset <= clamped) {
      return { line, column: anchor.column + clamped - anchor.offset, offset: clamped };
    }
    return { line, column: clamped - (lineStarts[low] as number) + 1, offset: clamped };
  };
}
