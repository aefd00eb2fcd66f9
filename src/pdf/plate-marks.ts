import { cmyk, type PDFPage } from 'pdf-lib';
import { mmToPt, type PlateGeometry } from './page-geometry.js';

/** Registration colour: 100 % of every ink, so the marks print on all four plates. */
export const REGISTRATION = cmyk(1, 1, 1, 1);

/** Hairline for marks, as plants expect (0.25 pt). */
const LINE = 0.25;
/** Gap between the bleed edge and the start of a crop mark. */
const GAP_MM = 2;
const CROP_LENGTH_MM = 6;
const TARGET_RADIUS_MM = 2.5;

/**
 * Crop marks at the four trim corners and registration targets at the middle of each side,
 * all starting outside the bleed so none of them can print on the page.
 */
export function drawPlateMarks(page: PDFPage, geometry: PlateGeometry): void {
  const { trim, bleedPt } = geometry;
  const start = bleedPt + mmToPt(GAP_MM);
  const end = start + mmToPt(CROP_LENGTH_MM);
  const left = trim.x;
  const right = trim.x + trim.width;
  const bottom = trim.y;
  const top = trim.y + trim.height;
  const line = (x1: number, y1: number, x2: number, y2: number) =>
    page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: LINE, color: REGISTRATION });

  for (const [x, dx] of [[left, -1], [right, 1]] as const) {
    for (const [y, dy] of [[bottom, -1], [top, 1]] as const) {
      line(x + dx * start, y, x + dx * end, y); // horizontal mark on the trim line
      line(x, y + dy * start, x, y + dy * end); // vertical mark on the trim line
    }
  }

  const r = mmToPt(TARGET_RADIUS_MM);
  const centre = start + r + mmToPt(1);
  const cx = trim.x + trim.width / 2;
  const cy = trim.y + trim.height / 2;
  const targets = [
    [cx, top + centre],
    [cx, bottom - centre],
    [left - centre, cy],
    [right + centre, cy],
  ] as const;
  for (const [x, y] of targets) {
    page.drawCircle({ x, y, size: r, borderColor: REGISTRATION, borderWidth: LINE });
    page.drawCircle({ x, y, size: r / 2, borderColor: REGISTRATION, borderWidth: LINE });
    line(x - r * 1.4, y, x + r * 1.4, y);
    line(x, y - r * 1.4, x, y + r * 1.4);
  }
}

/** Where the slug line goes: below the trim, outside the bleed, clear of the bottom target. */
export function slugPosition(geometry: PlateGeometry): { x: number; y: number } {
  const { trim, bleedPt } = geometry;
  return { x: trim.x + mmToPt(12), y: trim.y - bleedPt - mmToPt(GAP_MM + 4) };
}
