/**
 * The inks in each ad area of a built edition's plates, next to the ad file's own: what the
 * press will print where an ad was booked. Values are Ghostscript's separation (0–255 per
 * ink, as `c,m,y,k`), listed when they cover at least 1 % of the area.
 *
 * usage: tsx src/tools/ad-inks.ts EDITION_DIR [OUT_DIR]   (OUT_DIR default: output)
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFArray, PDFDocument, PDFName, PDFNumber, type PDFPage } from 'pdf-lib';
import { boxRect, type GridBox, type ResolvedGrid } from '../edition/grid.js';
import { loadEdition } from '../edition/load-edition.js';
import { renderCmyk, type CmykRaster } from '../pdf/ink-raster.js';
import { plateFileName } from '../pdf/plates.js';

type Region = { x: number; y: number; width: number; height: number };

/** Share (percent) of each colour covering at least `min` percent of `region` (PDF points). */
export function mainInks(raster: CmykRaster, region: Region, min = 1): Map<string, number> {
  const s = raster.dpi / 72;
  const counts = new Map<string, number>();
  let total = 0;
  for (let y = Math.ceil((raster.pageHeightPt - region.y - region.height) * s); y < Math.floor((raster.pageHeightPt - region.y) * s); y++) {
    for (let x = Math.ceil(region.x * s); x < Math.floor((region.x + region.width) * s); x++) {
      const i = (y * raster.width + x) * 4;
      const key = [0, 1, 2, 3].map((c) => raster.data[i + c]).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
      total++;
    }
  }
  return new Map([...counts].filter(([, n]) => (100 * n) / total >= min).map(([k, n]) => [k, Math.round((1000 * n) / total) / 10]));
}

function box(page: PDFPage, key: 'TrimBox' | 'MediaBox'): Region {
  const value = page.node.lookup(PDFName.of(key));
  if (!(value instanceof PDFArray)) return page.getMediaBox();
  const [x0, y0, x1, y1] = value.asArray().map((n) => (n as PDFNumber).asNumber());
  return { x: x0!, y: y0!, width: x1! - x0!, height: y1! - y0! };
}

/** A grid box on a plate, in PDF points, inset by `inset` pt so no neighbour's ink falls in. */
export function plateRegion(page: PDFPage, grid: ResolvedGrid, gridBox: GridBox, inset = 2): Region {
  const trim = box(page, 'TrimBox');
  const r = boxRect(grid, gridBox);
  return { x: trim.x + grid.typeArea.left + r.left + inset, y: trim.y + trim.height - grid.typeArea.top - r.top - r.height + inset, width: r.width - 2 * inset, height: r.height - 2 * inset };
}

/** The inks of a PDF file's page 1 inside its TrimBox (inset likewise). */
export async function ownInks(pdf: string, inset = 2, dpi = 72): Promise<Map<string, number>> {
  const page = (await PDFDocument.load(await readFile(pdf))).getPage(0);
  const trim = box(page, 'TrimBox');
  const raster = await renderCmyk(pdf, page.getMediaBox().height, { dpi });
  return mainInks(raster, { x: trim.x + inset, y: trim.y + inset, width: trim.width - 2 * inset, height: trim.height - 2 * inset });
}

export async function plateInks(plate: string, grid: ResolvedGrid, gridBox: GridBox, dpi = 72): Promise<Map<string, number>> {
  const page = (await PDFDocument.load(await readFile(plate))).getPage(0);
  return mainInks(await renderCmyk(plate, page.getMediaBox().height, { dpi }), plateRegion(page, grid, gridBox));
}

const show = (inks: Map<string, number>) => [...inks].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}%`).join('; ');

async function main(): Promise<void> {
  const [dirArg, outArg = 'output'] = process.argv.slice(2);
  if (!dirArg) throw new Error('usage: tsx src/tools/ad-inks.ts EDITION_DIR [OUT_DIR]');
  const { edition } = await loadEdition(resolve(dirArg));
  if (!edition) throw new Error(`cannot load ${dirArg}`);
  for (const page of edition.pages) {
    for (const ad of page.ads) {
      const plate = join(resolve(outArg), edition.name, 'plates', plateFileName(edition.config.slug ?? 'newspaper', edition.config.date, page.config.id));
      console.log(`${page.config.id} ${ad.config.file} (${ad.file.kind}), plate: ${show(await plateInks(plate, edition.grid, ad.box))}`);
      if (ad.file.kind === 'pdf') console.log(`${page.config.id} ${ad.config.file} (${ad.file.kind}), own:   ${show(await ownInks(ad.path))}`);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
