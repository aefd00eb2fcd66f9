import { copyFile, mkdir, mkdtemp, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodedFace, decodeWebFont } from '../../src/fonts/decoded-faces.js';
import { mainFontFaces } from '../../src/fonts/npm-fonts.js';

const FACE = 'noto-serif-sc-latin-400-normal';
const DAY = 24 * 3600 * 1000;

/** The small Latin face of Noto Serif SC, installed as `@fontsource/noto-serif-sc` at `version` in a node_modules of its own. */
async function install(root: string, version: string): Promise<string> {
  const source = (await mainFontFaces()).find((f) => f.path.endsWith(`/${FACE}.woff2`))!.path;
  const dir = join(root, 'node_modules', '@fontsource', 'noto-serif-sc');
  await mkdir(join(dir, 'files'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: '@fontsource/noto-serif-sc', version }));
  const woff2 = join(dir, 'files', `${FACE}.woff2`);
  await copyFile(source, woff2);
  return woff2;
}

const ttfs = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.ttf')).sort();
const ago = (days: number) => new Date(Date.now() - days * DAY);

describe('decoded faces', () => {
  it('are the same file for every reinstall of a font package version, whatever the mtime', async () => {
    const root = await mkdtemp(join(tmpdir(), 'presswork-decoded-'));
    const cache = join(root, 'cache');
    const woff2 = await install(join(root, 'first-clone'), '5.3.0');
    const decoded = await decodedFace(woff2, cache);
    expect(typeof decoded).toBe('string');
    expect((await readFile(decoded as string)).readUInt32BE(0)).toBe(0x00010000); // TrueType
    // Another clone's `npm ci`: the same package version, written at another time.
    const again = await install(join(root, 'second-clone'), '5.3.0');
    await utimes(again, ago(3), ago(3));
    expect(await decodedFace(again, cache)).toBe(decoded);
    expect(await ttfs(cache)).toEqual([`${FACE}.${(decoded as string).split('.').at(-2)}.ttf`]);
  });

  it('are decoded again for another version, and an unused decode of the face goes after a week', async () => {
    const root = await mkdtemp(join(tmpdir(), 'presswork-decoded-'));
    const cache = join(root, 'cache');
    const older = (await decodedFace(await install(join(root, 'old'), '5.2.0'), cache)) as string;
    // A checkout of the other version still builds: its decode, used two days ago, stays.
    await utimes(older, ago(2), ago(2));
    const newer = (await decodedFace(await install(join(root, 'new'), '5.3.0'), cache)) as string;
    expect(newer).not.toBe(older);
    expect(await ttfs(cache)).toEqual([older, newer].map((p) => p.split('/').at(-1)).sort());
    // Using a decode marks it as used: no other checkout's write removes it.
    await utimes(older, ago(8), ago(8));
    expect(await decodedFace(await install(join(root, 'old'), '5.2.0'), cache)).toBe(older);
    expect(Date.now() - (await stat(older)).mtimeMs).toBeLessThan(DAY);
    // Not used for eight days, and a build writes a new decode of the face: the old one goes,
    // with the earlier naming's copies of that age (by size and mtime), but not other faces'.
    await utimes(older, ago(8), ago(8));
    const legacy = join(cache, `${FACE}-18540-1796116185393.ttf`);
    const recentLegacy = join(cache, `${FACE}-18540-1796138337053.ttf`);
    const otherFace = join(cache, 'noto-serif-sc-latin-700-normal-18600-1796116185393.ttf');
    for (const file of [legacy, recentLegacy, otherFace]) await writeFile(file, 'old decode');
    await utimes(legacy, ago(30), ago(30));
    await utimes(otherFace, ago(30), ago(30));
    const newest = (await decodedFace(await install(join(root, 'newest'), '5.4.0'), cache)) as string;
    expect(await ttfs(cache)).toEqual([newer, newest, recentLegacy, otherFace].map((p) => p.split('/').at(-1)).sort());
  });

  it("go, when unused for a week, also as a face's decode is marked as used (once a day)", async () => {
    const root = await mkdtemp(join(tmpdir(), 'presswork-decoded-'));
    const cache = join(root, 'cache');
    const woff2 = await install(root, '5.3.0');
    const decoded = (await decodedFace(woff2, cache)) as string;
    // This machine's copies from before, one per `npm ci`, named by size and mtime.
    const stale = join(cache, `${FACE}-18540-1796116185393.ttf`);
    const recent = join(cache, `${FACE}-18540-1796138337053.ttf`);
    for (const file of [stale, recent]) await writeFile(file, 'old decode');
    await utimes(stale, ago(9), ago(9));
    await utimes(recent, ago(3), ago(3));
    // Marked as used today already: no sweep.
    expect(await decodedFace(woff2, cache)).toBe(decoded);
    expect(await ttfs(cache)).toHaveLength(3);
    // Next day: marked again, and the face's decodes unused for a week go.
    await utimes(decoded, ago(1.5), ago(1.5));
    expect(await decodedFace(woff2, cache)).toBe(decoded);
    expect(await ttfs(cache)).toEqual([decoded, recent].map((p) => p.split('/').at(-1)).sort());
  });

  it('of a woff2 outside any npm package are named by its bytes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'presswork-decoded-'));
    const cache = join(root, 'cache');
    const house = join(root, 'fonts', 'house.woff2');
    await mkdir(join(root, 'fonts'));
    await copyFile(await install(root, '5.3.0'), house);
    const first = await decodedFace(house, cache);
    await utimes(house, ago(1), ago(1));
    expect(await decodedFace(house, cache)).toBe(first);
    // Other bytes under the same name: another decode.
    const other = (await mainFontFaces()).find((f) => f.path.endsWith('/noto-serif-sc-latin-700-normal.woff2'))!.path;
    await copyFile(other, house);
    expect(await decodedFace(house, cache)).not.toBe(first);
  });

  it('come out right when several are decoded at once (wawoff2 returns a view of its memory)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'presswork-decoded-'));
    const latin = (await mainFontFaces()).filter((f) => f.path.includes('-latin-')).map((f) => f.path);
    expect(latin.length).toBeGreaterThanOrEqual(5);
    const { convert } = await import('fontverter');
    const expected: Buffer[] = [];
    for (const path of latin) expected.push(Buffer.from(await convert(await readFile(path), 'truetype')));
    const woff2 = await Promise.all(latin.map((path) => readFile(path)));
    const decoded = await Promise.all(woff2.map((bytes) => decodeWebFont(bytes)));
    for (const [i, font] of decoded.entries()) expect(Buffer.compare(font, expected[i]!), latin[i]).toBe(0);
    const kept = await Promise.all(latin.map((path) => decodedFace(path, join(root, 'cache'))));
    for (const [i, file] of kept.entries()) expect(Buffer.compare(await readFile(file as string), expected[i]!), latin[i]).toBe(0);
  });

  it('are the bytes themselves when the cache folder cannot be written, and a TrueType file is its own', async () => {
    const root = await mkdtemp(join(tmpdir(), 'presswork-decoded-'));
    await writeFile(join(root, 'not-a-folder'), '');
    const decoded = await decodedFace(await install(root, '5.3.0'), join(root, 'not-a-folder', 'cache'));
    expect(Buffer.isBuffer(decoded)).toBe(true);
    expect((decoded as Buffer).readUInt32BE(0)).toBe(0x00010000);
    expect(await decodedFace('/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf', root)).toBe('/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf');
  });

  it('keep a woff (the slug line\'s slices) decoded apart from its woff2 twin, the same bytes as decoding it directly', async () => {
    const root = await mkdtemp(join(tmpdir(), 'presswork-decoded-'));
    const cache = join(root, 'cache');
    const woff2 = await install(root, '5.3.0');
    const woff = woff2.replace(/\.woff2$/, '.woff');
    await copyFile((await mainFontFaces()).find((f) => f.path.endsWith(`/${FACE}.woff2`))!.path.replace(/\.woff2$/, '.woff'), woff);
    const fromWoff = (await decodedFace(woff, cache)) as string;
    const fromWoff2 = (await decodedFace(woff2, cache)) as string;
    expect(fromWoff).not.toBe(fromWoff2);
    const { convert } = await import('fontverter');
    expect(Buffer.compare(await readFile(fromWoff), Buffer.from(await convert(await readFile(woff), 'truetype')))).toBe(0);
    expect(await ttfs(cache)).toEqual([basename(fromWoff2), basename(fromWoff)].sort());
    expect(await decodedFace(woff, cache)).toBe(fromWoff); // kept: not decoded again
  });
});
