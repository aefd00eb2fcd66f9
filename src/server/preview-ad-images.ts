import { open, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { PathEscapeError, resolveInside } from '../edition/paths.js';
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

async function draw(path: string): Promise<Uint8Array> {
  const head = Buffer.alloc(5);
  const handle = await open(path, 'r');
  try {
    await handle.read(head, 0, 5, 0);
  } finally {
    await handle.close();
  }
  if (head.toString('latin1') !== '%PDF-') return sharp(path).toColourspace('srgb').png().toBuffer();
  const { stdout } = await runTool('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-dFirstPage=1', '-dLastPage=1', '-sDEVICE=png16m', `-r${PREVIEW_DPI}`, '-dUseTrimBox', '-sOutputFile=-', path], { timeoutMs: 30_000, maxBuffer: 64 << 20 });
  return stdout;
}
