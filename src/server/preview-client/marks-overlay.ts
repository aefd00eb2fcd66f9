import type { PreviewGrid } from '../preview-state.js';
import { svg } from './dom.js';

const PT_PER_MM = 72 / 25.4;
/** As on the plates (src/pdf/plate-marks.ts): marks start 2 mm outside the bleed and run 6 mm. */
const GAP_MM = 2;
const CROP_MM = 6;
const TARGET_MM = 2.5;
/** Room around the trim for bleed, marks and targets, like the plates' 12 mm marks area. */
export const MARGIN_MM = 15;

/**
 * The bleed band, trim line, crop marks and registration targets around the page, in pt
 * from the sheet's corner (the trim starts at MARGIN_MM). Chromium does not draw these;
 * the plates add them after printing, so the preview draws them the same way.
 */
export function createMarksOverlay(grid: PreviewGrid): SVGElement {
  const m = MARGIN_MM * PT_PER_MM;
  const bleed = grid.bleedMm * PT_PER_MM;
  const w = grid.pageWidthPt;
  const hgt = grid.pageHeightPt;
  const root = svg('svg', { class: 'pw-marks', viewBox: `0 0 ${w + 2 * m} ${hgt + 2 * m}`, preserveAspectRatio: 'none', 'aria-hidden': 'true' });
  // The band between trim and bleed edge, drawn as a frame with an even-odd hole.
  const outer = `M${m - bleed} ${m - bleed}h${w + 2 * bleed}v${hgt + 2 * bleed}h${-(w + 2 * bleed)}Z`;
  const inner = `M${m} ${m}v${hgt}h${w}v${-hgt}Z`;
  root.append(svg('path', { class: 'pw-marks-bleed', d: outer + inner, 'fill-rule': 'evenodd' }));
  root.append(svg('rect', { class: 'pw-marks-trim', x: m, y: m, width: w, height: hgt }));
  const start = bleed + GAP_MM * PT_PER_MM;
  const end = start + CROP_MM * PT_PER_MM;
  const d: string[] = [];
  for (const [x, dx] of [[m, -1], [m + w, 1]] as const) {
    for (const [y, dy] of [[m, -1], [m + hgt, 1]] as const) {
      d.push(`M${x + dx * start} ${y}H${x + dx * end}`, `M${x} ${y + dy * start}V${y + dy * end}`);
    }
  }
  const r = TARGET_MM * PT_PER_MM;
  const centre = start + r + PT_PER_MM;
  const targets = [[m + w / 2, m - centre], [m + w / 2, m + hgt + centre], [m - centre, m + hgt / 2], [m + w + centre, m + hgt / 2]] as const;
  for (const [x, y] of targets) {
    root.append(svg('circle', { class: 'pw-marks-line', cx: x, cy: y, r }), svg('circle', { class: 'pw-marks-line', cx: x, cy: y, r: r / 2 }));
    d.push(`M${x - r * 1.4} ${y}H${x + r * 1.4}`, `M${x} ${y - r * 1.4}V${y + r * 1.4}`);
  }
  root.append(svg('path', { class: 'pw-marks-line', d: d.join('') }));
  return root;
}
