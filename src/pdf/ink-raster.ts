import type { Box } from './page-geometry.js';
import { runTool } from '../util/run-tool.js';

/** One page separated into C, M, Y and K, 8 bits each, interleaved, top row first. */
export interface CmykRaster {
  width: number;
  height: number;
  dpi: number;
  /** MediaBox height in points, to map PDF coordinates (bottom-up) to rows. */
  pageHeightPt: number;
  data: Buffer;
}

export interface RenderCmykOptions {
  /** 1-based page number. Default 1. */
  page?: number;
  /** Resolution; low is fine for ink (Ghostscript renders without anti-aliasing). Default 50. */
  dpi?: number;
  /** Render only text (drop images and vector art): Ghostscript's FILTERIMAGE/FILTERVECTOR. */
  textOnly?: boolean;
  /**
   * The page holds DeviceCMYK and DeviceGray only (a clean PDF/X-1a plate): Ghostscript's
   * ICC machinery would pass them through unchanged anyway, so `-dUseFastColor` skips
   * setting it up, about 40 % of the raster's CPU for the same pixels.
   */
  deviceColourOnly?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Separate a PDF page with Ghostscript's `bitcmyk` device: raw CMYK with no header, the
 * same separation a RIP makes. DeviceCMYK passes through and DeviceGray goes to K only
 * (Ghostscript's DeviceGrayToK default), so the numbers are the plate's real inks.
 */
export async function renderCmyk(pdf: string, pageHeightPt: number, options: RenderCmykOptions = {}): Promise<CmykRaster> {
  const dpi = options.dpi ?? 50;
  const page = options.page ?? 1;
  // Written to stdout, not a temp file, so Ghostscript starts at once (the caller's own
  // checks run meanwhile) and nothing is left to clean up.
  const { stdout: data } = await runTool(
    'gs',
    [
      '-dSAFER', '-dBATCH', '-dNOPAUSE', '-dQUIET',
      '-sDEVICE=bitcmyk', '-dGrayValues=256', `-r${dpi}`,
      `-dFirstPage=${page}`, `-dLastPage=${page}`,
      ...(options.textOnly ? ['-dFILTERIMAGE', '-dFILTERVECTOR'] : []),
      ...(options.deviceColourOnly ? ['-dUseFastColor'] : []),
      '-sOutputFile=-', pdf,
    ],
    { timeoutMs: options.timeoutMs ?? 60_000, signal: options.signal, maxBuffer: 1024 * 1024 * 1024 },
  );
  const height = Math.round((pageHeightPt / 72) * dpi);
  const width = data.length / 4 / height;
  if (!Number.isInteger(width)) throw new Error(`Unexpected raster size ${data.length} bytes for ${height} rows`);
  return { width, height, dpi, pageHeightPt, data };
}

/** Ink maxima of a region, in percent. */
export interface InkStats {
  /** Highest C, M, Y and K found. */
  max: { c: number; m: number; y: number; k: number };
  /** Highest total (C+M+Y+K) and where, in points from the page's bottom-left. */
  maxTotal: number;
  maxTotalAt: { x: number; y: number };
  /** Pixels with any ink. */
  inkedPixels: number;
}

/** Ink maxima inside `box` (points, PDF coordinates); the whole page if omitted. */
export function inkStats(raster: CmykRaster, box?: Box): InkStats {
  const scale = raster.dpi / 72;
  const x0 = box ? Math.max(0, Math.ceil(box.x * scale)) : 0;
  const x1 = box ? Math.min(raster.width, Math.floor((box.x + box.width) * scale)) : raster.width;
  const y0 = box ? Math.max(0, Math.ceil((raster.pageHeightPt - box.y - box.height) * scale)) : 0;
  const y1 = box ? Math.min(raster.height, Math.floor((raster.pageHeightPt - box.y) * scale)) : raster.height;
  const max = [0, 0, 0, 0];
  let maxTotal = 0;
  let at = { x: 0, y: 0 };
  let inked = 0;
  const d = raster.data;
  for (let row = y0; row < y1; row++) {
    for (let col = x0; col < x1; col++) {
      const i = (row * raster.width + col) * 4;
      const total = d[i]! + d[i + 1]! + d[i + 2]! + d[i + 3]!;
      if (total === 0) continue;
      inked++;
      for (let ch = 0; ch < 4; ch++) if (d[i + ch]! > max[ch]!) max[ch] = d[i + ch]!;
      if (total > maxTotal) {
        maxTotal = total;
        at = { x: (col + 0.5) / scale, y: raster.pageHeightPt - (row + 0.5) / scale };
      }
    }
  }
  const pct = (v: number) => Math.round((v / 255) * 1000) / 10;
  return {
    max: { c: pct(max[0]!), m: pct(max[1]!), y: pct(max[2]!), k: pct(max[3]!) },
    maxTotal: pct(maxTotal),
    maxTotalAt: at,
    inkedPixels: inked,
  };
}
