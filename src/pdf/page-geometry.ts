/** Points per millimetre (PDF user space is 1/72 inch). */
export const PT_PER_MM = 72 / 25.4;

export const mmToPt = (mm: number): number => mm * PT_PER_MM;
export const ptToMm = (pt: number): number => pt / PT_PER_MM;

/** A rectangle in PDF points, origin at the bottom left. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SizeMm {
  width: number;
  height: number;
}

/** Trim sizes of the formats the design names, in mm. */
export const FORMATS = {
  broadsheet: { width: 390, height: 545 },
  tabloid: { width: 273, height: 390 },
} as const satisfies Record<string, SizeMm>;

/** The nested boxes of a plate: trim inside bleed inside the marks area (MediaBox). */
export interface PlateGeometry {
  media: Box;
  bleed: Box;
  trim: Box;
  bleedPt: number;
  marksPt: number;
}

/** Outset `box` by `d` points on every side. */
export function outset(box: Box, d: number): Box {
  return { x: box.x - d, y: box.y - d, width: box.width + 2 * d, height: box.height + 2 * d };
}

/**
 * Geometry of a plate for a trim size: the MediaBox leaves `bleedMm` then `marksMm` around
 * the trim, so crop marks, registration targets and the slug line sit outside the bleed.
 */
export function plateGeometry(trimMm: SizeMm, bleedMm: number, marksMm: number): PlateGeometry {
  const bleedPt = mmToPt(bleedMm);
  const marksPt = mmToPt(marksMm);
  const trim: Box = { x: bleedPt + marksPt, y: bleedPt + marksPt, width: mmToPt(trimMm.width), height: mmToPt(trimMm.height) };
  const around = 2 * (bleedPt + marksPt);
  const media: Box = { x: 0, y: 0, width: trim.width + around, height: trim.height + around };
  return { trim, bleed: outset(trim, bleedPt), media, bleedPt, marksPt };
}

/** A box as a PDF array `[llx lly urx ury]`. */
export function boxToArray(box: Box): [number, number, number, number] {
  return [box.x, box.y, box.x + box.width, box.y + box.height];
}

/** A PDF box array as a Box. */
export function arrayToBox([x1, y1, x2, y2]: number[]): Box {
  return { x: Math.min(x1!, x2!), y: Math.min(y1!, y2!), width: Math.abs(x2! - x1!), height: Math.abs(y2! - y1!) };
}
