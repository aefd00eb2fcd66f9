import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { moveInto, tempPathFor, writeFileAtomic } from '../util/atomic-write.js';
import type { PageChange } from '../report/page-change.js';
import type { Box } from '../pdf/page-geometry.js';
import type { CmykRaster } from '../pdf/ink-raster.js';
import { runTool } from '../util/run-tool.js';

export type { PageChange };

/**
 * What changed since the previous build: each page PDF is rendered to a small PNG and
 * compared with the one kept from last time. In `changesDir`, per page:
 * `<id>.png` (this build), `<id>.prev.png` (the build before), `<id>.diff.png` (the
 * difference, when there is one) and `<id>.hash` (the page hash the PNG was made from).
 * Pages are done a few at a time, each holding three small images, so memory stays bounded.
 *
 * An image comes from one of two sources: pdftoppm's render of the page PDF, or, when the
 * build makes the page's plate, the plate's own ink raster (the preflight's, so no second
 * render). The two draw edges differently (anti-aliased or not), so an image is compared only
 * with a kept image of its own source: a page plated afresh takes the plate's image unless the
 * kept one is pdftoppm's, and a page whose kept image is the plate's but has none this time is
 * reported as new (its kept image is not comparable).
 */

/** Who drew a change image: pdftoppm from the page PDF, or the plate's ink raster. */
export type ImageSource = 'page' | 'plate';

/** A change image rendered ahead, as a temp PNG in the output's temp folder (see tempPathFor). */
export interface PageImage {
  path: string;
  source: ImageSource;
}

export interface PageImageInput {
  id: string;
  pdf: string;
  /** The page's content hash: when it equals the last build's, the page is unchanged and not rendered. */
  hash?: string;
}

export interface ComparePagesOptions {
  changesDir: string;
  /** Default 30: enough to see a moved story, small enough to be quick. */
  dpi?: number;
  /** pixelmatch's colour distance threshold, 0–1; default 0.1. */
  threshold?: number;
  /** Pages compared at once; default 2. */
  concurrency?: number;
  /** Per pdftoppm run; default 60 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

/** `renderedAhead` gives a page's image from `renderPageImage` or `plateChangeImage`, when one was started for it. */
export async function comparePages(
  pages: readonly PageImageInput[],
  options: ComparePagesOptions,
  renderedAhead?: (page: PageImageInput) => Promise<PageImage | undefined> | undefined,
): Promise<PageChange[]> {
  await mkdir(options.changesDir, { recursive: true });
  const results: PageChange[] = new Array(pages.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < pages.length; i = next++) results[i] = await comparePage(pages[i]!, options, renderedAhead?.(pages[i]!));
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 2, pages.length)) }, worker));
  return results;
}

export function changeImagePaths(changesDir: string, id: string) {
  if (!SAFE_ID.test(id)) throw new Error(`Page id ${JSON.stringify(id)} cannot name a file in ${changesDir}`);
  const base = join(changesDir, id);
  return { after: `${base}.png`, before: `${base}.prev.png`, diff: `${base}.diff.png`, hash: `${base}.hash` };
}

/**
 * The page's image for this build, rendered ahead (while other pages still render) as a temp
 * PNG; undefined when the page hash says the kept image is still right.
 * Hand it to `comparePage`, which renames or removes it.
 */
export async function renderPageImage(page: PageImageInput, options: ComparePagesOptions): Promise<PageImage | undefined> {
  await mkdir(options.changesDir, { recursive: true });
  return (await keptImageIsCurrent(page, options)) ? undefined : { path: await renderPng(page, options), source: 'page' };
}

/**
 * The page's change image from its plate's ink raster (CMYK, any dpi): the TrimBox (points
 * from the raster's bottom-left), at the change images' resolution. Undefined when the kept
 * image is still right, or is pdftoppm's (the page PDF's render is compared with it instead).
 */
export async function plateChangeImage(page: PageImageInput, raster: CmykRaster, trim: Box, options: ComparePagesOptions): Promise<PageImage | undefined> {
  const kept = await readKeptImage(page.id, options);
  if (kept && (kept.current(page) || kept.source !== 'plate')) return undefined;
  await mkdir(options.changesDir, { recursive: true });
  const scale = raster.dpi / 72;
  const left = Math.max(0, Math.round(trim.x * scale));
  const top = Math.max(0, Math.round((raster.pageHeightPt - trim.y - trim.height) * scale));
  const width = Math.min(raster.width - left, Math.round(trim.width * scale));
  const height = Math.min(raster.height - top, Math.round(trim.height * scale));
  // Ink to screen as paper takes it: each of C, M and Y darkens its channel, K all three.
  const rgb = Buffer.alloc(width * height * 3);
  const d = raster.data;
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0, i = ((top + y) * raster.width + left) * 4; x < width; x++, i += 4, o += 3) {
      const white = 255 - d[i + 3]!;
      rgb[o] = ((255 - d[i]!) * white + 127) / 255;
      rgb[o + 1] = ((255 - d[i + 1]!) * white + 127) / 255;
      rgb[o + 2] = ((255 - d[i + 2]!) * white + 127) / 255;
    }
  }
  const dpi = options.dpi ?? 30;
  const size = { width: Math.round((trim.width / 72) * dpi), height: Math.round((trim.height / 72) * dpi) };
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } }).resize(size.width, size.height, { fit: 'fill' }).png({ compressionLevel: 6 }).toBuffer();
  const path = await tempImagePath(page.id, options);
  await writeFile(path, png);
  return { path, source: 'plate' };
}

export async function comparePage(page: PageImageInput, options: ComparePagesOptions, rendered?: Promise<PageImage | undefined>): Promise<PageChange> {
  const paths = changeImagePaths(options.changesDir, page.id);
  // A render made ahead that failed is made again here, where its error is reported.
  const ahead = await rendered?.catch(() => undefined);
  const kept = await readKeptImage(page.id, options);
  if (kept?.current(page)) {
    if (ahead) await rm(ahead.path, { force: true });
    await rm(paths.diff, { force: true });
    return { page: page.id, status: 'unchanged', changedPercent: 0, changedPixels: 0, before: paths.after, after: paths.after, diff: null };
  }

  const image = ahead ?? { path: await renderPng(page, options), source: 'page' as const };
  const fresh = image.path;
  try {
    // Only an image of the same source compares: see the head of this file.
    const previous = !kept || kept.source === image.source ? await readPng(paths.after) : undefined;
    let change: PageChange;
    if (!previous) {
      change = { page: page.id, status: 'new', changedPercent: null, changedPixels: null, before: null, after: paths.after, diff: null };
      await rm(paths.before, { force: true });
      await rm(paths.diff, { force: true });
    } else {
      const { pixels, total, diffPng } = diffImages(previous, PNG.sync.read(await readFile(fresh)), options.threshold ?? 0.1);
      if (pixels > 0) await writeFileAtomic(paths.diff, diffPng);
      else await rm(paths.diff, { force: true });
      change = {
        page: page.id,
        status: pixels > 0 ? 'changed' : 'unchanged',
        changedPercent: percent(pixels, total),
        changedPixels: pixels,
        before: paths.before,
        after: paths.after,
        diff: pixels > 0 ? paths.diff : null,
      };
      await rename(paths.after, paths.before);
    }
    await moveInto(fresh, paths.after);
    await writeFileAtomic(paths.hash, `${page.hash ?? ''}\n${image.source}\n`);
    return change;
  } finally {
    await rm(fresh, { force: true });
  }
}

/**
 * The kept image's record (`<id>.hash`): the page hash it was made from, then its source.
 * A record of one line is from before sources were kept: pdftoppm's. Undefined without an image.
 */
async function readKeptImage(id: string, options: ComparePagesOptions): Promise<{ source: ImageSource; current(page: PageImageInput): boolean } | undefined> {
  const paths = changeImagePaths(options.changesDir, id);
  if (!(await exists(paths.after))) return undefined;
  const [hash = '', source] = (await readFile(paths.hash, 'utf8').catch(() => '')).split('\n');
  return { source: source === 'plate' ? 'plate' : 'page', current: (page) => Boolean(page.hash) && hash === page.hash };
}

async function keptImageIsCurrent(page: PageImageInput, options: ComparePagesOptions): Promise<boolean> {
  return Boolean((await readKeptImage(page.id, options))?.current(page));
}

/**
 * Where a page's new image is written before it takes its place: the output's temp folder,
 * named as every temp file is, so a killed build leaves nothing in the changes folder and
 * the next build's sweep removes it.
 */
async function tempImagePath(id: string, options: ComparePagesOptions): Promise<string> {
  const path = tempPathFor(changeImagePaths(options.changesDir, id).after);
  await mkdir(dirname(path), { recursive: true });
  return path;
}

/**
 * Render page 1 of the page's PDF to a temp PNG; the caller renames or removes it.
 * pdftoppm writes a PPM and sharp encodes it: pdftoppm's own PNG encoder took two thirds of
 * its time (0.08 of 0.12 s a page); the pixels are the same.
 */
async function renderPng(page: PageImageInput, options: ComparePagesOptions): Promise<string> {
  const { pdf } = page;
  const path = await tempImagePath(page.id, options);
  const dpi = String(options.dpi ?? 30);
  try {
    const { stdout } = await runTool('pdftoppm', ['-r', dpi, '-singlefile', '-f', '1', '-l', '1', pdf], {
      timeoutMs: options.timeoutMs ?? 60_000,
      signal: options.signal,
    });
    await writeFile(path, await ppmToPng(stdout));
  } catch (error) {
    await rm(path, { force: true });
    throw new Error(`Cannot render ${pdf} to PNG for the change report: ${(error as Error).message}`);
  }
  return path;
}

/** A binary PPM (P6, 8 bits, pdftoppm's output) as PNG. */
async function ppmToPng(ppm: Buffer): Promise<Buffer> {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('pdftoppm wrote no 8-bit PPM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const pixels = ppm.subarray(header[0].length);
  if (pixels.length !== width * height * 3) throw new Error(`pdftoppm wrote ${pixels.length} bytes for a ${width} × ${height} image`);
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
}

/** The previous build's PNG; undefined when there is none or it is unreadable (then the page counts as new). */
async function readPng(path: string): Promise<PNG | undefined> {
  try {
    return PNG.sync.read(await readFile(path));
  } catch {
    return undefined;
  }
}

/** Compare two page images, padding the smaller with white when the page size changed. */
export function diffImages(before: PNG, after: PNG, threshold: number): { pixels: number; total: number; diffPng: Buffer } {
  const width = Math.max(before.width, after.width);
  const height = Math.max(before.height, after.height);
  const a = padTo(before, width, height);
  const b = padTo(after, width, height);
  const diff = new PNG({ width, height });
  const pixels = pixelmatch(a, b, diff.data, width, height, { threshold });
  return { pixels, total: width * height, diffPng: PNG.sync.write(diff) };
}

function padTo(image: PNG, width: number, height: number): Uint8Array {
  if (image.width === width && image.height === height) return image.data;
  const out = new Uint8Array(width * height * 4).fill(255);
  for (let y = 0; y < image.height; y++) {
    out.set(image.data.subarray(y * image.width * 4, (y + 1) * image.width * 4), y * width * 4);
  }
  return out;
}

/** Two decimals, but never 0 when something did change. */
function percent(pixels: number, total: number): number {
  if (pixels === 0 || total === 0) return 0;
  return Math.max(0.01, Math.round((pixels / total) * 10_000) / 100);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
