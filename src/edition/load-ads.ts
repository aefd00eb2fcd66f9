import type { VFile } from 'vfile';
import { boxRect, PT_PER_MM, type GridBox, type ResolvedGrid } from './grid.js';
import { reportError } from './parse-yaml.js';
import { PathEscapeError, resolveInside } from './paths.js';
import { AdFileError, readAdFile, type AdFileInfo } from './read-ad-file.js';
import type { AdConfig, PageConfig } from './schema.js';

/** Ads are booked to the millimetre: their size may differ from the box by this much. */
export const AD_SIZE_TOLERANCE_MM = 1;
/** `fit: scale` allows at most this much proportional scaling. */
export const AD_MAX_SCALE = 0.02;

export interface LoadedAd {
  config: AdConfig;
  /** Absolute path of the ad file, inside the edition folder. */
  path: string;
  box: GridBox;
  file: AdFileInfo;
  /** Placed size in pt (the ad's own size, times `scale`) and its offset inside the box (centred). */
  scale: number;
  placed: { left: number; top: number; width: number; height: number };
  /** Path of the ad's entry under its page in edition.yaml, and where its `file:` is, for messages. */
  at: (string | number)[];
  place: { line: number; column: number };
}

type Locate = (path: (string | number)[]) => { line: number; column: number };

const fmt = (w: number, h: number) => `${w.toFixed(1)} × ${h.toFixed(1)} mm`;

/**
 * Where an ad of `file`'s size goes in `box`: unscaled within ±1 mm, or with `fit: scale`
 * scaled proportionally by at most 2 %. Anything else is an error naming both sizes.
 */
export function fitAd(file: AdFileInfo, boxPt: { width: number; height: number }, fit: AdConfig['fit']): { scale: number } | { error: string } {
  const boxW = boxPt.width / PT_PER_MM;
  const boxH = boxPt.height / PT_PER_MM;
  const within = (w: number, h: number) => Math.abs(w - boxW) <= AD_SIZE_TOLERANCE_MM && Math.abs(h - boxH) <= AD_SIZE_TOLERANCE_MM;
  if (within(file.widthMm, file.heightMm)) return { scale: 1 };
  const sizes = `the ad is ${fmt(file.widthMm, file.heightMm)} (${file.sizeFrom}) but its box is ${fmt(boxW, boxH)}`;
  if (fit !== 'scale') {
    return { error: `${sizes}; expected the ad's size within ±${AD_SIZE_TOLERANCE_MM} mm of the box (ads are never scaled silently; \`fit: scale\` allows up to ${AD_MAX_SCALE * 100} %)` };
  }
  const scale = Math.min(boxW / file.widthMm, boxH / file.heightMm);
  if (Math.abs(scale - 1) <= AD_MAX_SCALE + 1e-9 && within(file.widthMm * scale, file.heightMm * scale)) return { scale };
  return { error: `${sizes}; \`fit: scale\` would scale it by ${((scale - 1) * 100).toFixed(1)} % (at most ±${AD_MAX_SCALE * 100} %, proportionally, within ±${AD_SIZE_TOLERANCE_MM} mm of the box)` };
}

/** Load and measure a page's ads; each problem is an error at the ad's line in edition.yaml. */
export async function loadAds(dir: string, page: PageConfig, pageIndex: number, grid: ResolvedGrid, configFile: VFile, locate: Locate): Promise<LoadedAd[]> {
  const ads: LoadedAd[] = [];
  for (const [index, config] of page.ads.entries()) {
    const at = ['ads', index];
    const place = locate(['pages', pageIndex, ...at, 'file']);
    let path: string;
    try {
      path = resolveInside(dir, config.file);
    } catch (error) {
      if (!(error instanceof PathEscapeError)) throw error;
      reportError(configFile, `Ad path ${error.message}`, { place, ruleId: 'path-escape' });
      continue;
    }
    let file: AdFileInfo;
    try {
      file = await readAdFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = error instanceof AdFileError ? error.message : code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${(error as Error).message})`;
      reportError(configFile, `Ad \`${config.file}\` on ${page.id} ${reason}; expected a PDF (X-1a or X-4) or a JPEG, TIFF or PNG in the edition folder`, {
        place,
        ruleId: code === 'ENOENT' ? 'missing-file' : 'ad-file',
      });
      continue;
    }
    const rect = boxRect(grid, config.box);
    const fitted = fitAd(file, rect, config.fit);
    if ('error' in fitted) {
      reportError(configFile, `Ad \`${config.file}\` on ${page.id}: ${fitted.error}`, { place: locate(['pages', pageIndex, ...at, 'box']), ruleId: 'ad-size' });
      continue;
    }
    const width = file.widthMm * PT_PER_MM * fitted.scale;
    const height = file.heightMm * PT_PER_MM * fitted.scale;
    ads.push({
      config,
      path,
      box: config.box,
      file,
      scale: fitted.scale,
      placed: { left: (rect.width - width) / 2, top: (rect.height - height) / 2, width, height },
      at,
      place,
    });
  }
  return ads;
}
