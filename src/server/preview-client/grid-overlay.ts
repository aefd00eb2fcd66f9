import type { PreviewGrid } from '../preview-state.js';
import { svg } from './dom.js';

/**
 * Where a body line's baseline sits below the top of its line, in pt, measured in the page
 * document itself so the overlay follows the real fonts. Falls back to Noto's metrics.
 */
export function measureBaselinePt(doc: Document, grid: PreviewGrid): number {
  const fallback = (grid.linePitchPt - grid.bodySizePt * 1.448) / 2 + grid.bodySizePt * 1.16;
  const area = doc.querySelector<HTMLElement>('.type-area');
  if (!area) return fallback;
  const probe = doc.createElement('div');
  probe.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden;white-space:nowrap;margin:0;padding:0';
  const mark = doc.createElement('span');
  mark.style.cssText = 'display:inline-block;width:0;height:0;vertical-align:baseline';
  probe.append('国', mark);
  area.append(probe);
  const offsetPx = mark.getBoundingClientRect().top - probe.getBoundingClientRect().top;
  probe.remove();
  return offsetPx > 0 ? offsetPx * 0.75 : fallback;
}

/** Columns of the type area, every body line's baseline, and column and row numbers, in pt. */
export function createGridOverlay(grid: PreviewGrid, baselinePt: number): SVGElement {
  const { typeArea: area, columns, rows, columnWidthPt: colW, gutterPt, linePitchPt: pitch } = grid;
  const root = svg('svg', {
    class: 'pw-grid',
    viewBox: `0 0 ${grid.pageWidthPt} ${grid.pageHeightPt}`,
    preserveAspectRatio: 'none',
    'aria-hidden': 'true',
  });
  for (let c = 0; c < columns; c++) {
    const x = area.left + c * (colW + gutterPt);
    root.append(svg('rect', { class: 'pw-grid-col', x, y: area.top, width: colW, height: rows * pitch }));
    root.append(svg('text', { class: 'pw-grid-label', x: x + colW / 2, y: area.top - 4, 'text-anchor': 'middle' }, String(c + 1)));
  }
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const y = area.top + r * pitch + baselinePt;
    lines.push(`M${area.left} ${y.toFixed(2)}H${area.left + area.width}`);
    if ((r + 1) % 5 === 0 || r === 0) {
      root.append(svg('text', { class: 'pw-grid-label', x: area.left - 4, y: y, 'text-anchor': 'end' }, String(r + 1)));
    }
  }
  root.append(svg('path', { class: 'pw-grid-baseline', d: lines.join('') }));
  root.append(svg('rect', { class: 'pw-grid-area', x: area.left, y: area.top, width: area.width, height: area.height }));
  return root;
}
