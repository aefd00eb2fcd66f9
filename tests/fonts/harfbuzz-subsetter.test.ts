import fontkit from '@pdf-lib/fontkit';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import subsetFont from 'subset-font';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodedFace } from '../../src/fonts/decoded-faces.js';
import { faceCoverage } from '../../src/fonts/font-chain.js';
import { harfbuzzFreeBytes, holdFace, type HeldFace } from '../../src/fonts/harfbuzz-subsetter.js';
import { heldFace } from '../../src/fonts/held-faces.js';
import { mainFontFaces } from '../../src/fonts/npm-fonts.js';
import { pageCharacters } from '../../src/pipeline/page-fonts.js';
import { DECODED_FONTS_DIR } from '../../src/fonts/decoded-faces.js';

const EDITION = join(import.meta.dirname, '..', '..', 'articles', '2026-11-26');
const codePoints = (text: string) => [...text].map((c) => c.codePointAt(0)!);

/** The sample edition's stories, one text each: what pages of it draw. */
async function stories(): Promise<string[]> {
  const files = (await readdir(EDITION)).filter((f) => f.endsWith('.md')).sort();
  return Promise.all(files.map((f) => readFile(join(EDITION, f), 'utf8')));
}

/** A main face of the npm fonts, by the start of its file name. */
async function npmFace(name: string): Promise<string> {
  const face = (await mainFontFaces()).find((f) => f.path.includes(`/${name}`));
  if (!face) throw new Error(`no main face ${name}`);
  return face.path;
}

describe('subsets of faces held in harfbuzz', () => {
  let serif: string;
  let kai: string;
  let pages: string[];

  beforeAll(async () => {
    serif = await npmFace('noto-serif-sc-chinese-simplified-400');
    kai = await npmFace('lxgw-wenkai-latin-500');
    const texts = await stories();
    // A front page's worth of stories, and pages of one story each.
    pages = [pageCharacters(texts.slice(0, 10).join('')), ...texts.map((text) => pageCharacters(text))];
    expect(pages.length).toBeGreaterThan(20);
    expect([...pages[0]!].length).toBeGreaterThan(1000);
  }, 120_000);

  it('are byte for byte what subset-font makes, on the first page and on later ones', async () => {
    for (const path of [serif, kai]) {
      const whole = await decodedFace(path, DECODED_FONTS_DIR);
      const bytes = typeof whole === 'string' ? await readFile(whole) : whole;
      const face = await heldFace(path, DECODED_FONTS_DIR);
      for (const characters of [pages[0]!, pages[5]!, pages[0]!]) {
        const ours = await face.subset(codePoints(characters));
        const theirs = await subsetFont(bytes, characters, { targetFormat: 'truetype' });
        expect(ours.length).toBeGreaterThan(1000);
        expect(Buffer.compare(ours, theirs), `${path} (${[...characters].length} characters)`).toBe(0);
      }
    }
  }, 120_000);

  it("map exactly the asked characters that the face has", async () => {
    for (const path of [serif, kai]) {
      const face = await heldFace(path, DECODED_FONTS_DIR);
      const coverage = await faceCoverage(path);
      const asked = codePoints(pages[0]!);
      const font = fontkit.create(await face.subset(asked));
      // Not the 0xFFFF that ends every format 4 cmap, on glyph 0.
      const mapped = font.characterSet.filter((cp) => font.glyphForCodePoint(cp).id !== 0).sort((a, b) => a - b);
      const expected = asked.filter((cp) => coverage.has(cp));
      expect(expected.length).toBeGreaterThan(500);
      expect(asked.length - expected.length).toBeGreaterThan(0); // the page has characters this face lacks
      expect(mapped).toEqual(expected);
    }
  }, 120_000);

  it('take no memory for good: subsetting page after page leaves harfbuzz as much room as after the first', async () => {
    const face = await heldFace(kai, DECODED_FONTS_DIR);
    await face.subset(codePoints(pages[0]!)); // the first subset keeps the face's tables and lookups
    const free = harfbuzzFreeBytes(face);
    expect(free).toBeGreaterThan(20 * 1024 * 1024);
    for (let round = 0; round < 3; round++) for (const characters of pages) await face.subset(codePoints(characters));
    expect(harfbuzzFreeBytes(face)).toBe(free);
  }, 120_000);

  it('say which font file harfbuzz cannot subset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'presswork-hb-'));
    const broken = join(dir, 'broken.ttf');
    // A TrueType header and table directory that promise tables the file does not have.
    const bytes = Buffer.alloc(4096, 0x5a);
    bytes.writeUInt32BE(0x00010000, 0);
    bytes.writeUInt16BE(4, 4);
    await writeFile(broken, bytes);
    const face = await heldFace(broken, DECODED_FONTS_DIR);
    await expect(face.subset(codePoints('报纸abc'))).rejects.toThrow(`${broken}: harfbuzz could not subset this font`);
  });

  it('fail rather than give a subset without its character map (more characters than a format 4 cmap holds)', async () => {
    const face = await heldFace(kai, DECODED_FONTS_DIR);
    const scattered: number[] = [];
    for (let cp = 0x4e00; cp < 0x9fff; cp += 2) scattered.push(cp);
    await expect(face.subset(scattered)).rejects.toThrow(`${kai}: harfbuzz could not subset this font to the page's ${scattered.length} characters`);
    expect((await face.subset(scattered.slice(0, 3000))).length).toBeGreaterThan(1_000_000); // the face is still whole
  }, 60_000);

  it('free the least recently used faces beyond the limit of held bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'presswork-hb-lru-'));
    const latin = (await decodedFace(await npmFace('noto-serif-sc-latin-400'), DECODED_FONTS_DIR)) as string;
    const copies = await Promise.all(
      ['a', 'b', 'c'].map(async (name) => {
        const path = join(dir, `${name}.ttf`);
        await writeFile(path, await readFile(latin));
        return path;
      }),
    );
    const size = (await readFile(latin)).length;
    const limit = Math.floor(2.5 * size);
    const a = await heldFace(copies[0]!, DECODED_FONTS_DIR, limit);
    const b = await heldFace(copies[1]!, DECODED_FONTS_DIR, limit);
    expect(await heldFace(copies[0]!, DECODED_FONTS_DIR, limit)).toBe(a); // a used again: b is now the least recent
    const c = await heldFace(copies[2]!, DECODED_FONTS_DIR, limit);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(b.subset(codePoints('abc'))).rejects.toThrow(`${copies[1]}: the face was released`);
    for (const face of [a, c]) expect((await face.subset(codePoints('abc'))).length).toBeGreaterThan(500);
    // Asked for again, b is loaded again.
    const again = await heldFace(copies[1]!, DECODED_FONTS_DIR, limit);
    expect(again).not.toBe(b);
    expect((await again.subset(codePoints('abc'))).length).toBeGreaterThan(500);
  });

  it('frees a released face for the next one', async () => {
    const bytes = await readFile((await decodedFace(serif, DECODED_FONTS_DIR)) as string);
    const first: HeldFace = await holdFace('first', bytes.length, (target) => target.set(bytes));
    const room = harfbuzzFreeBytes(first);
    first.release();
    await expect(first.subset([0x41])).rejects.toThrow('first: the face was released');
    const second = await holdFace('second', bytes.length, (target) => target.set(bytes));
    expect(harfbuzzFreeBytes(second)).toBe(room);
    second.release();
  }, 60_000);
});
