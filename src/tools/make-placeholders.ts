/**
 * Generate neutral grey placeholder photos for the sample edition.
 *
 *   npx tsx src/tools/make-placeholders.ts [EDITION_DIR]   (default: articles/2026-11-26)
 *
 * Every image referenced by the edition's articles that appears in PLACEHOLDERS is written to
 * EDITION_DIR/images/ as a JPEG at camera resolution (450 ppi for its widest placed width on
 * the broadsheet grid, aspect 3:2), so the desk can crop it taller (typography.fit photo
 * lines) and still print it above the 250 ppi the preflight asks for. Images the list does
 * not know are reported and skipped.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

const PPI = 450;
const COLUMN_PT = 13 * 9; // 13 characters of 9 pt
const GUTTER_PT = 9; // 1 character

/** Pixel size of a 3:2 photo spanning `cols` broadsheet columns, at PPI. */
function sizeForColumns(cols: number): { width: number; height: number } {
  const widthPt = cols * COLUMN_PT + (cols - 1) * GUTTER_PT; // 3 cols: 369 pt, 2 cols: 243 pt
  const width = Math.round((widthPt / 72) * PPI); // 3 cols: 2306 px, 2 cols: 1519 px
  return { width, height: Math.round((width * 2) / 3) };
}

/** The images the sample edition uses, by file name (relative to images/). */
const PLACEHOLDERS: Record<string, { width: number; height: number }> = {
  // Sized for the widest placement in the sample edition, at 450 ppi across it.
  'borui-dianzi.jpg': sizeForColumns(5),
  'linkong-jingji.jpg': sizeForColumns(3),
  'qianjiang-dianqi.jpg': sizeForColumns(4),
  'zhaofeng-jidian.jpg': sizeForColumns(4),
  'laonian-shitang.jpg': sizeForColumns(2),
  'cunba-juesai.jpg': sizeForColumns(3),
  'caijia-zoushi.jpg': sizeForColumns(3),
  'quanmin-jianshen.jpg': sizeForColumns(3),
  'beitanghe-lvdao.jpg': sizeForColumns(5),
  'shilaohua-gaizao.jpg': sizeForColumns(3),
};

/** Light grey field, thin darker frame, diagonal cross. Shapes only: no fonts involved. */
function placeholderSvg(width: number, height: number): string {
  const stroke = Math.max(2, Math.round(width / 400));
  const inset = stroke / 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect width="${width}" height="${height}" fill="#c8c8c8"/>
  <g stroke="#8c8c8c" stroke-width="${stroke}" fill="none">
    <rect x="${inset}" y="${inset}" width="${width - stroke}" height="${height - stroke}"/>
    <line x1="0" y1="0" x2="${width}" y2="${height}"/>
    <line x1="${width}" y1="0" x2="0" y2="${height}"/>
  </g>
</svg>`;
}

/** `images/…` paths referenced by Markdown files in the edition folder (figure src or ![](…)). */
async function referencedImages(editionDir: string): Promise<Set<string>> {
  const found = new Set<string>();
  const pattern = /(?:src="|\]\()images\/([^")\s]+)/g;
  for (const name of (await readdir(editionDir)).filter((n) => n.endsWith('.md'))) {
    const text = await readFile(path.join(editionDir, name), 'utf8');
    for (const match of text.matchAll(pattern)) found.add(match[1]!);
  }
  return found;
}

async function main(): Promise<number> {
  const editionDir = process.argv[2] ?? 'articles/2026-11-26';
  const imagesDir = path.join(editionDir, 'images');
  await mkdir(imagesDir, { recursive: true });
  let unknown = 0;
  for (const file of [...(await referencedImages(editionDir))].sort()) {
    const size = PLACEHOLDERS[file];
    if (!size) {
      console.error(`skipped images/${file}: no placeholder size known for it`);
      unknown++;
      continue;
    }
    const out = path.join(imagesDir, file);
    await sharp(Buffer.from(placeholderSvg(size.width, size.height)))
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80 })
      .withMetadata({ density: PPI })
      .toFile(out);
    console.log(`wrote ${out} (${size.width}×${size.height} px, ${PPI} ppi)`);
  }
  return unknown > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
