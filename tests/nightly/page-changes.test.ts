import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import { PDFDocument, rgb } from 'pdf-lib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCmyk } from '../../src/pdf/ink-raster.js';
import { comparePages, plateChangeImage, renderPageImage, type PageChange } from '../../src/pipeline/page-changes.js';
import { registerTempDir, TEMP_NAME, tempDirFor } from '../../src/util/atomic-write.js';

const MM = 72 / 25.4;
let dir: string;
let changesDir: string;

/** A 100 × 140 mm page with a black 20 × 20 mm square at (x, y) mm from the bottom left. */
async function squarePdf(name: string, x: number, y: number, size = { width: 100, height: 140 }): Promise<string> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([size.width * MM, size.height * MM]);
  page.drawRectangle({ x: x * MM, y: y * MM, width: 20 * MM, height: 20 * MM, color: rgb(0, 0, 0) });
  const path = join(dir, name);
  await writeFile(path, await doc.save());
  return path;
}

const compare = (pages: { id: string; pdf: string; hash?: string }[]) => comparePages(pages, { changesDir });
const one = async (id: string, pdf: string, hash?: string): Promise<PageChange> => (await compare([{ id, pdf, hash }]))[0]!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-changes-'));
  changesDir = join(dir, 'changes');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('comparePages', () => {
  it('reports a page without a previous image as new', async () => {
    const change = await one('A1', await squarePdf('a1-v1.pdf', 10, 10));
    expect(change).toMatchObject({ page: 'A1', status: 'new', changedPercent: null, before: null, diff: null });
    const png = PNG.sync.read(await readFile(change.after));
    // 100 mm at 30 dpi.
    expect(Math.abs(png.width - (100 / 25.4) * 30)).toBeLessThan(1);
  });

  it('measures a moved square as the share of pixels it covered before and after, and writes the difference', async () => {
    const change = await one('A1', await squarePdf('a1-v2.pdf', 60, 100));
    // Two 20 × 20 mm squares on a 100 × 140 mm page: 800 / 14000 = 5.7 %.
    expect(change.status).toBe('changed');
    expect(change.changedPercent).toBeGreaterThan(4.5);
    expect(change.changedPercent).toBeLessThan(7);
    expect(change.before).toBe(join(changesDir, 'A1.prev.png'));
    expect(change.after).toBe(join(changesDir, 'A1.png'));
    expect(change.diff).toBe(join(changesDir, 'A1.diff.png'));
    const diff = PNG.sync.read(await readFile(change.diff!));
    const after = PNG.sync.read(await readFile(change.after));
    expect([diff.width, diff.height]).toEqual([after.width, after.height]);
    // pixelmatch paints differing pixels red.
    let red = 0;
    for (let i = 0; i < diff.data.length; i += 4) if (diff.data[i] === 255 && diff.data[i + 1] === 0 && diff.data[i + 2] === 0) red++;
    expect(red).toBe(change.changedPixels);
  });

  it('reports an identical rebuild as unchanged and removes the old difference image', async () => {
    const change = await one('A1', join(dir, 'a1-v2.pdf'));
    expect(change).toMatchObject({ status: 'unchanged', changedPercent: 0, changedPixels: 0, diff: null });
    expect(existsSync(join(changesDir, 'A1.diff.png'))).toBe(false);
  });

  it('skips rendering a page whose hash matches the last build', async () => {
    await one('A2', await squarePdf('a2.pdf', 10, 10), 'hash-1');
    // The PDF is gone: if it were rendered again, pdftoppm would fail.
    const change = await one('A2', join(dir, 'gone.pdf'), 'hash-1');
    expect(change).toMatchObject({ status: 'unchanged', changedPercent: 0, diff: null, after: join(changesDir, 'A2.png') });
    await expect(one('A2', join(dir, 'gone.pdf'), 'hash-2')).rejects.toThrow(/Cannot render .*gone\.pdf to PNG/);
  });

  it('compares pages whose size changed by padding the smaller one', async () => {
    await one('A3', await squarePdf('a3-v1.pdf', 10, 10));
    const change = await one('A3', await squarePdf('a3-v2.pdf', 10, 10, { width: 100, height: 160 }));
    expect(change.status).toBe('changed');
    expect(change.changedPercent).toBeGreaterThan(0);
  });

  it('does several pages, leaves no temp files, and refuses a page id that is not a file name', async () => {
    const pages = await Promise.all(['B1', 'B2', 'B3'].map(async (id, i) => ({ id, pdf: await squarePdf(`${id}.pdf`, 10 + i * 20, 10) })));
    expect((await compare(pages)).map((c) => [c.page, c.status])).toEqual([['B1', 'new'], ['B2', 'new'], ['B3', 'new']]);
    expect((await readdir(changesDir)).filter((n) => n.startsWith('.'))).toEqual([]);
    await expect(one('../A1', pages[0]!.pdf)).rejects.toThrow(/cannot name a file/);
  });
});

describe('change images from the plate', () => {
  let plateDir: string;
  const options = () => ({ changesDir: plateDir });
  /** The page's ink raster, as the preflight renders a plate: Ghostscript's bitcmyk at 50 dpi. */
  const raster = async (pdf: string) => renderCmyk(pdf, 140 * MM, { dpi: 50 });
  const wholePage = { x: 0, y: 0, width: 100 * MM, height: 140 * MM };
  const fromPlate = async (id: string, pdf: string, hash?: string) => {
    const page = { id, pdf, hash };
    const image = await plateChangeImage(page, await raster(pdf), wholePage, options());
    return { image, change: (await comparePages([page], options(), () => Promise.resolve(image)))[0]! };
  };

  beforeAll(() => {
    plateDir = join(dir, 'plate-changes');
  });

  it('are the TrimBox at 30 dpi, and compare with the last plate image as pdftoppm images do', async () => {
    const first = await fromPlate('B1', await squarePdf('b1-v1.pdf', 10, 10), 'b1-1');
    expect(first.image?.source).toBe('plate');
    expect(first.change.status).toBe('new');
    const png = PNG.sync.read(await readFile(first.change.after));
    expect(Math.abs(png.width - (100 / 25.4) * 30)).toBeLessThan(1);
    expect(Math.abs(png.height - (140 / 25.4) * 30)).toBeLessThan(1);
    // The square is black at its middle and the page white away from it: ink as on paper.
    const at = (xMm: number, yMmFromTop: number) => png.data[(Math.round((yMmFromTop / 25.4) * 30) * png.width + Math.round((xMm / 25.4) * 30)) * 4]!;
    expect(at(20, 120)).toBeLessThan(20);
    expect(at(70, 30)).toBeGreaterThan(235);
    const moved = await fromPlate('B1', await squarePdf('b1-v2.pdf', 60, 100), 'b1-2');
    expect(moved.change.status).toBe('changed');
    expect(moved.change.changedPercent).toBeGreaterThan(4.5);
    expect(moved.change.changedPercent).toBeLessThan(7);
    // The same page again: the kept image is current, so the plate makes none.
    expect(await plateChangeImage({ id: 'B1', pdf: join(dir, 'b1-v2.pdf'), hash: 'b1-2' }, await raster(join(dir, 'b1-v2.pdf')), wholePage, options())).toBeUndefined();
    expect((await readdir(plateDir)).filter((f) => f.startsWith('.render-'))).toEqual([]);
  });

  it('are not made over a kept pdftoppm image, and a pdftoppm image is not compared with a kept plate image', async () => {
    // Kept from a proof-only build: the plate leaves the page to pdftoppm, which compares like with like.
    const v1 = await squarePdf('b2-v1.pdf', 10, 10);
    await comparePages([{ id: 'B2', pdf: v1, hash: 'b2-1' }], options());
    const v2 = await squarePdf('b2-v2.pdf', 60, 100);
    expect(await plateChangeImage({ id: 'B2', pdf: v2, hash: 'b2-2' }, await raster(v2), wholePage, options())).toBeUndefined();
    expect((await comparePages([{ id: 'B2', pdf: v2, hash: 'b2-2' }], options()))[0]).toMatchObject({ status: 'changed' });

    // Kept from a plate; then a proof-only build: its pdftoppm image has nothing comparable before it.
    await fromPlate('B3', await squarePdf('b3-v1.pdf', 10, 10), 'b3-1');
    const proofOnly = (await comparePages([{ id: 'B3', pdf: await squarePdf('b3-v2.pdf', 60, 100), hash: 'b3-2' }], options()))[0]!;
    expect(proofOnly).toMatchObject({ status: 'new', before: null, diff: null });
    // From then on the page's images are pdftoppm's, and compare again.
    expect((await comparePages([{ id: 'B3', pdf: join(dir, 'b3-v1.pdf'), hash: 'b3-3' }], options()))[0]).toMatchObject({ status: 'changed' });
  });
});

describe('change images before they take their place', () => {
  it('wait in the output temp folder under a temp name, so a killed build leaves none in changes/ and the sweep finds them', async () => {
    const out = join(dir, 'out');
    const changes = join(out, 'edition', 'changes');
    registerTempDir(out, tempDirFor(out));
    const page = { id: 'C1', pdf: await squarePdf('c1.pdf', 30, 30), hash: 'c1-1' };
    const image = await renderPageImage(page, { changesDir: changes });
    expect(image!.path.startsWith(tempDirFor(out) + sep)).toBe(true);
    expect(basename(image!.path)).toMatch(TEMP_NAME);
    expect(TEMP_NAME.exec(basename(image!.path))![1]).toBe(String(process.pid));
    // Rendered ahead, not yet compared: the changes folder holds no file of it.
    expect(await readdir(changes)).toEqual([]);
    const [change] = await comparePages([page], { changesDir: changes }, () => Promise.resolve(image));
    expect(change).toMatchObject({ status: 'new', after: join(changes, 'C1.png') });
    expect((await readdir(changes)).sort()).toEqual(['C1.hash', 'C1.png']);
    expect(await readdir(tempDirFor(out))).toEqual([]);
  });
});
