import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { PathEscapeError, resolveInside } from '../edition/paths.js';
import { readAdFile } from '../edition/read-ad-file.js';
import { runTool } from '../util/run-tool.js';

/** Screen resolution of an ad's preview image: enough to read it at the page view's zoom. */
const PREVIEW_DPI = 96;
/** Previews kept in memory, newest last. */
const KEPT = 24;

/**
 * The preview's picture of a supplied ad (`ads:` in edition.yaml), as PNG: a PDF ad drawn by
 * Ghostscript, an image ad converted by sharp (a CMYK JPEG or a TIFF shows in sRGB). The
 * page documents keep the ad's frame empty, as in print; the preview client shows this
 * image in it. Paths are the ad's `file`, resolved inside the edition folder only.
 */
export function createAdImages(editionDir: string): (file: string) => Promise<Uint8Array | undefined> {
  const kept = new Map<string, Promise<Uint8Array | undefined>>();
  return async (file) => {
    let path: string;
    try {
      path = resolveInside(editionDir, file);
    } catch (error) {
      if (error instanceof PathEscapeError) return undefined;
      throw error;
    }
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const key = `${path}\0${info.size}\0${info.mtimeMs}`;
    let image = kept.get(key);
    if (!image) {
      image = draw(path).catch(() => undefined);
      kept.set(key, image);
      while (kept.size > KEPT) kept.delete(kept.keys().next().value!);
    }
    return image;
  };
}

/** The ad drawn for the screen; a file that is no ad (by its bytes, as the build reads it) is refused. */
async function draw(path: string): Promise<Uint8Array> {
  const ad = await readAdFile(path);
  if (ad.kind !== 'pdf') return sharp(ad.bytes).toColourspace('srgb').png().toBuffer();
  const { stdout } = await runTool('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-dFirstPage=1', '-dLastPage=1', '-sDEVICE=png16m', `-r${PREVIEW_DPI}`, '-dUseTrimBox', '-sOutputFile=-', path], { timeoutMs: 30_000, maxBuffer: 64 << 20 });
  return stdout;
}
