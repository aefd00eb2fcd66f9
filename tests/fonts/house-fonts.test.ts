import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fontToolsPython } from '../../src/fonts/truetype-file.js';
import { buildEdition } from '../../src/pipeline/build-edition.js';
import { launchChromium } from '../../src/render/chromium.js';
import type { EditionReport } from '../../src/report/edition-report.js';
import { pdfFonts } from '../helpers/pdf.js';

const MAKE_FONT = join(__dirname, 'make-test-font.py');

/** A real font cut from BabelStone Han's outlines: TrueType, or redrawn as CFF (OTTO). */
function makeFont(kind: 'ttf' | 'cff', path: string, chars: string, family: string, fsType = 0): string {
  mkdirSync(dirname(path), { recursive: true });
  execFileSync(fontToolsPython(), [MAKE_FONT, kind, path, chars, family, String(fsType)], { stdio: 'pipe' });
  return path;
}

/** `<tmp>/papers/edition/` with house.yaml and fonts in `<tmp>/papers/`, as a paper keeps them. */
function paper(files: Record<string, string>): { dir: string; papers: string } {
  const papers = join(mkdtempSync(join(tmpdir(), 'pw-house-')), 'papers');
  const dir = join(papers, 'edition');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, papers };
}

const EDITION = `paper: 测试日报
date: 2026-11-26
pages:
  - id: A1
    template: news
    section: 要闻
    stories:
      - file: a.md
        box: {col: 1, cols: 4, row: 1, rows: 40}
`;

const BODY = '春风吹绿江南岸，王李两家同住一村，今年新修的道路通到了每家门口。村民说，路好了，心也亮了。';
const TITLE = '春风吹绿江南岸';
const BYLINE = '记者 王李';
// Everything the house fonts must hold for the story; the rest of the page falls to the npm fonts.
const STORY_CHARS = `${BODY}${TITLE}${BYLINE}`;

const story = (body = BODY, title = TITLE) => `---\ntitle: ${title}\nbyline: ${BYLINE}\n---\n\n${body}\n`;

/** 1-based line and column (UTF-16 units, like every message) of `needle` in `text`. */
function placeOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const index = text.indexOf(needle, from);
  if (index < 0) throw new Error(`${needle} not in the text`);
  const before = text.slice(0, index);
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') };
}

const pdfText = (path: string) => execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');

describe('house fonts and rare characters in real builds', () => {
  let browser: Browser;
  let out: string;
  const build = (dir: string, plates = false) => buildEdition(dir, { out, browser: async () => browser, proofOnly: !plates });
  const messages = (report: EditionReport, ruleId: string) => report.messages.filter((m) => m.ruleId === ruleId);

  beforeAll(async () => {
    browser = await launchChromium();
    out = mkdtempSync(join(tmpdir(), 'pw-house-out-'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('sets the body in the house font from a file, embedded as TrueType in the PDF', async () => {
    const { dir, papers } = paper({ 'edition.yaml': EDITION, 'a.md': story(), '../house.yaml': 'fonts:\n  body: fonts/song.ttf\n' });
    makeFont('ttf', join(papers, 'fonts', 'song.ttf'), STORY_CHARS, 'Test House Song');
    const report = await build(dir);
    expect(report.messages.filter((m) => m.severity !== 'info')).toEqual([]);
    const fonts = pdfFonts(join(out, 'edition', 'pages', 'A1.pdf'));
    const house = fonts.filter((f) => f.name.endsWith('+TestHouseSong-Regular'));
    expect(house).toHaveLength(1);
    expect(house[0]).toMatchObject({ type: 'CID TrueType', embedded: true });
    // The body is the house font's now: the npm Song is not needed for the story's text.
    expect(fonts.some((f) => f.name.includes('NotoSerifSC'))).toBe(false);
    expect(pdfText(join(out, 'edition', 'pages', 'A1.pdf'))).toContain(BODY.replace(/\s+/g, ''));
  }, 180_000);

  it('refuses a font whose fsType forbids embedding, naming the file, the bit and the reason', async () => {
    const house = 'fonts:\n  body: fonts/restricted.ttf\n';
    const { dir, papers } = paper({ 'edition.yaml': EDITION, 'a.md': story(), '../house.yaml': house });
    makeFont('ttf', join(papers, 'fonts', 'restricted.ttf'), STORY_CHARS, 'Test Restricted', 0x0002);
    const report = await build(dir);
    const refused = messages(report, 'house-font');
    expect(refused).toEqual([
      expect.objectContaining({ severity: 'error', file: '../house.yaml', line: 2, column: 9 }),
    ]);
    expect(refused[0]!.message).toContain('Font `fonts/restricted.ttf` (`fonts.body`) is refused');
    expect(refused[0]!.message).toContain('fsType is 0x0002');
    expect(refused[0]!.message).toContain('restricted licence embedding');
    expect(report.ok).toBe(false);
    // The page is still built, in the npm Song, and the restricted font is nowhere in it.
    const fonts = pdfFonts(join(out, 'edition', 'pages', 'A1.pdf'));
    expect(fonts.some((f) => f.name.includes('NotoSerifSC'))).toBe(true);
    expect(fonts.some((f) => f.name.includes('TestRestricted'))).toBe(false);
  }, 180_000);

  it('converts a CFF (OTTO) house font to TrueType: no Type 3 in the page or on the plate', async () => {
    const { dir, papers } = paper({ 'edition.yaml': EDITION, 'a.md': story(), '../house.yaml': 'fonts:\n  kai: fonts/kai.otf\n' });
    const otf = makeFont('cff', join(papers, 'fonts', 'kai.otf'), STORY_CHARS, 'Test House Kai');
    expect(readFileSync(otf).subarray(0, 4).toString('latin1')).toBe('OTTO');

    // What happens without the conversion: Chromium prints the CFF font as Type 3.
    const tab = await browser.newPage();
    try {
      await tab.setContent(`<style>@font-face{font-family:K;src:url(data:font/otf;base64,${readFileSync(otf).toString('base64')})}</style><p style="font:30px K">${BYLINE}</p>`);
      await tab.evaluate(() => document.fonts.ready);
      const raw = join(out, 'raw-cff.pdf');
      writeFileSync(raw, await tab.pdf());
      expect(pdfFonts(raw).map((f) => f.type)).toContain('Type 3');
    } finally {
      await tab.close();
    }

    const report = await build(dir, true);
    expect(report.messages.filter((m) => m.severity === 'error')).toEqual([]);
    const cached = readdirSync(join(out, '.cache', 'fonts')).filter((f) => f.endsWith('.ttf'));
    expect(cached).toHaveLength(1);
    expect(readFileSync(join(out, '.cache', 'fonts', cached[0]!)).readUInt32BE(0)).toBe(0x00010000);
    const plate = join(out, 'edition', report.pages[0]!.plate!);
    for (const pdf of [join(out, 'edition', 'pages', 'A1.pdf'), plate]) {
      const fonts = pdfFonts(pdf);
      expect(fonts.filter((f) => f.type === 'Type 3')).toEqual([]);
      expect(fonts.find((f) => f.name.endsWith('TestHouseKai-Regular'))).toMatchObject({ embedded: true });
      expect(fonts.find((f) => f.name.endsWith('TestHouseKai-Regular'))!.type).toMatch(/TrueType/);
    }
  }, 300_000);

  it('sets Extension B names from BabelStone Han, each reported where it was typed', async () => {
    const title = '王䶮当选村长';
    const body = '村民李𬌗和𠀾𪚥𫝀都投了票，王䶮说要把路修好。';
    const text = story(body, title);
    const { dir } = paper({ 'edition.yaml': EDITION, 'a.md': text });
    const report = await build(dir);
    expect(report.messages.filter((m) => m.severity !== 'info')).toEqual([]);
    const fallbacks = messages(report, 'font-fallback');
    const expected = [
      ['䶮', 'U+4DAE', placeOf(text, '䶮')],
      ['𬌗', 'U+2C317', placeOf(text, '𬌗')],
      ['𠀾', 'U+2003E', placeOf(text, '𠀾')],
      ['𪚥', 'U+2A6A5', placeOf(text, '𪚥')],
      ['𫝀', 'U+2B740', placeOf(text, '𫝀')],
      ['䶮', 'U+4DAE', placeOf(text, '䶮', text.indexOf('王䶮说'))],
    ] as const;
    expect(fallbacks.map((m) => [m.file, m.line, m.column])).toEqual(expected.map(([, , at]) => ['a.md', at.line, at.column]));
    for (const [message, [char, code, at]] of fallbacks.map((m, i) => [m, expected[i]!] as const)) {
      expect(message.message).toContain(`${char} ${code} at a.md:${at.line}:${at.column} set in BabelStone Han`);
    }
    // The title's 䶮 is in the front matter: line 2, column 9, as in the issue.
    expect(placeOf(text, '䶮')).toEqual({ line: 2, column: 9 });
    const pdf = join(out, 'edition', 'pages', 'A1.pdf');
    expect(pdfFonts(pdf).find((f) => f.name.endsWith('+BabelStoneHan'))).toMatchObject({ type: 'CID TrueType', embedded: true });
    const printed = pdfText(pdf);
    for (const char of ['䶮', '𬌗', '𠀾', '𪚥', '𫝀']) expect(printed).toContain(char);
    expect(report.verify.missingChars).toBe(0);
  }, 180_000);

  it('refuses a private-use character with an error at its place, and does not build the page', async () => {
    const body = '这个字\uE000无人能印，其余照常。';
    const text = story(body);
    const { dir } = paper({ 'edition.yaml': EDITION, 'a.md': text });
    const report = await build(dir);
    const at = placeOf(text, '\uE000');
    expect(messages(report, 'missing-glyph')).toEqual([expect.objectContaining({ severity: 'error', file: 'a.md', line: at.line, column: at.column })]);
    expect(messages(report, 'missing-glyph')[0]!.message).toContain(`U+E000 at a.md:${at.line}:${at.column} is a private-use character`);
    expect(messages(report, 'page-skipped')).toHaveLength(1);
    expect(report.pages[0]!.ok).toBe(false);
    expect(report.ok).toBe(false);
  }, 120_000);

  it('checks the text edition.yaml prints: a rare character reported where typed, one no font has stops its page', async () => {
    // LXGW WenKai (the masthead's 楷) has 𬌗 but not 𫝀.
    const yaml = EDITION.replace('paper: 测试日报', 'paper: 测试𬌗𫝀报').replace('section: 要闻', 'section: 要闻\uE000');
    const { dir } = paper({ 'edition.yaml': yaml, 'a.md': story() });
    const report = await build(dir);
    const rare = placeOf(yaml, '𫝀');
    const pua = placeOf(yaml, '\uE000');
    expect(messages(report, 'font-fallback').map((m) => [m.file, m.line, m.column, m.message])).toEqual([
      ['edition.yaml', rare.line, rare.column, `𫝀 U+2B740 at edition.yaml:${rare.line}:${rare.column} set in BabelStone Han (not in LXGW WenKai, the kai font)`],
    ]);
    expect(messages(report, 'missing-glyph').map((m) => [m.file, m.line, m.column, m.severity])).toEqual([['edition.yaml', pua.line, pua.column, 'error']]);
    const failed = messages(report, 'render-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.message).toContain('Page A1 was not built: its text from edition.yaml or a template has characters no font has (\uE000 U+E000)');
    expect(report.pages[0]!.ok).toBe(false);
  }, 120_000);

  it('warns of emoji, control and bidi characters where typed, and applies the house rule', async () => {
    const body = '今天天气好😀，大家\u0007都来了\u202E。看👍这里。';
    const text = story(body, '好消息🎉来了');
    const { dir } = paper({
      'edition.yaml': EDITION,
      'a.md': text,
      '../house.yaml': 'copy: {emoji: replace, control: remove, bidi: remove, replacement: 〓}\n',
    });
    const report = await build(dir);
    const found = report.messages.filter((m) => m.ruleId.startsWith('copy-'));
    const place = (needle: string) => {
      const at = placeOf(text, needle);
      return ['a.md', at.line, at.column];
    };
    expect(found.map((m) => [m.ruleId, m.severity, m.file, m.line, m.column])).toEqual([
      ['copy-emoji', 'warning', ...place('🎉')],
      ['copy-emoji', 'warning', ...place('😀')],
      ['copy-control', 'warning', ...place('\u0007')],
      ['copy-bidi', 'warning', ...place('\u202E')],
      ['copy-emoji', 'warning', ...place('👍')],
    ]);
    expect(found[1]!.message).toContain('😀 U+1F600');
    expect(found[1]!.message).toContain('replaced by 〓');
    expect(found[2]!.message).toContain('U+0007');
    expect(found[2]!.message).toContain('removed');
    expect(found[3]!.message).toContain('U+202E');
    expect(report.messages.filter((m) => m.severity === 'error')).toEqual([]);
    const printed = pdfText(join(out, 'edition', 'pages', 'A1.pdf'));
    expect(printed).toContain('今天天气好〓，大家都来了。看〓这里。');
    expect(printed).toContain('好消息〓来了');
    expect(pdfFonts(join(out, 'edition', 'pages', 'A1.pdf')).filter((f) => !/NotoSerifSC|NotoSansSC|LXGWWenKai/.test(f.name))).toEqual([]);
  }, 120_000);
});

describe('the preview shows the house fonts', () => {
  it('sets the body of a preview page in the house font', async () => {
    const { startPreviewServer } = await import('../../src/server/preview-server.js');
    const { dir, papers } = paper({ 'edition.yaml': EDITION, 'a.md': story(), '../house.yaml': 'fonts:\n  body: fonts/song.ttf\n' });
    makeFont('ttf', join(papers, 'fonts', 'song.ttf'), STORY_CHARS, 'Test Preview Song');
    const preview = await startPreviewServer({ edition: dir, out: join(papers, 'out'), log: () => undefined });
    const browser = await launchChromium();
    try {
      await preview.ready;
      const tab = await browser.newPage();
      await tab.goto(`${preview.url}_preview/doc/A1`, { waitUntil: 'load' });
      await tab.waitForFunction(
        () => {
          const body = [...document.querySelectorAll('p')].find((p) => p.textContent?.includes('春风吹绿江南岸，'));
          if (body) body.id = 'pw-test-body';
          return document.fonts.status === 'loaded' && Boolean(body);
        },
        { timeout: 60_000, polling: 100 },
      );
      const cdp = await tab.createCDPSession();
      await cdp.send('DOM.enable');
      const { root } = (await cdp.send('DOM.getDocument')) as { root: { nodeId: number } };
      const { nodeId } = (await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '#pw-test-body' })) as { nodeId: number };
      await cdp.send('CSS.enable');
      const { fonts } = (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })) as { fonts: { familyName: string; glyphCount: number }[] };
      expect(fonts.map((f) => f.familyName)).toEqual(['Test Preview Song']);
    } finally {
      await browser.close();
      await preview.close();
    }
  }, 180_000);
});

describe('house.yaml is validated like edition.yaml', () => {
  const load = async (files: Record<string, string>) => {
    const { prepareEdition } = await import('../../src/pipeline/prepare-edition.js');
    const { dir } = paper({ 'edition.yaml': EDITION, 'a.md': story(), ...files });
    const { files: vfiles } = await prepareEdition(dir, undefined, undefined, { fontCacheDir: join(dir, '..', 'cache') });
    return vfiles.flatMap((f) => f.messages.map((m) => ({ file: f.path!.split('/').slice(-1)[0], line: m.line, column: m.column, reason: m.reason, fatal: m.fatal })));
  };

  it('reports a bad field at its line and column', async () => {
    const found = await load({ '../house.yaml': 'fonts:\n  body: {file: a.ttf, weight: 450}\ncopy: {emoji: keep}\n' });
    expect(found.filter((m) => m.fatal)).toEqual([
      expect.objectContaining({ file: 'house.yaml', line: 2, column: 31 }),
      expect.objectContaining({ file: 'house.yaml', line: 3, column: 15 }),
    ]);
  });

  it('refuses a font path that leaves the folder of house.yaml, and a missing font', async () => {
    const found = await load({ '../house.yaml': 'fonts:\n  body: ../../outside.ttf\n  kai: fonts/none.ttf\n' });
    expect(found.filter((m) => m.fatal).map((m) => [m.line, m.column])).toEqual([
      [2, 9],
      [3, 8],
    ]);
    expect(found[0]!.reason).toContain("a font must be a path inside house.yaml's folder");
    expect(found[1]!.reason).toContain('does not exist');
  });

  it('refuses `house:` in edition.yaml that leaves the folder of the editions', async () => {
    const found = await load({ 'edition.yaml': `house: ../../house.yaml\n${EDITION}` });
    expect(found.filter((m) => m.fatal)).toEqual([expect.objectContaining({ file: 'edition.yaml', line: 1, column: 1 })]);
    expect(found[0]!.reason).toContain('must be a path relative to the edition folder that stays inside');
  });

  it('refuses a file that is not a font', async () => {
    const found = await load({ '../house.yaml': 'fonts:\n  body: fonts/empty.ttf\n', '../fonts/empty.ttf': 'not a font' });
    expect(found.filter((m) => m.fatal)).toEqual([expect.objectContaining({ file: 'house.yaml', line: 2, column: 9 })]);
    expect(found[0]!.reason).toContain('Font `fonts/empty.ttf` (`fonts.body`) is refused: it is not a TrueType, OpenType, TrueType collection or WOFF2 font');
  });

  it('takes a collection face by PostScript name and a WOFF2, each unpacked to a TrueType file', async () => {
    const { papers } = paper({});
    const fonts = join(papers, 'fonts');
    const a = makeFont('ttf', join(fonts, 'a.ttf'), STORY_CHARS, 'Test Coll A');
    const b = makeFont('ttf', join(fonts, 'b.ttf'), STORY_CHARS, 'Test Coll B');
    const script = [
      'import sys',
      'from fontTools.ttLib import TTFont, TTCollection',
      'c = TTCollection(); c.fonts = [TTFont(sys.argv[1]), TTFont(sys.argv[2])]; c.save(sys.argv[3])',
      "w = TTFont(sys.argv[1]); w.flavor = 'woff2'; w.save(sys.argv[4])",
    ].join('\n');
    execFileSync(fontToolsPython(), ['-c', script, a, b, join(fonts, 'both.ttc'), join(fonts, 'a.woff2')]);
    const { prepareEdition } = await import('../../src/pipeline/prepare-edition.js');
    const { dir } = paper({ 'edition.yaml': EDITION, 'a.md': story() });
    // The paper's folder of this edition is a fresh one: put the fonts beside its house.yaml.
    const house = join(dir, '..');
    execFileSync('cp', ['-r', fonts, house]);
    writeFileSync(join(house, 'house.yaml'), 'fonts:\n  heading: {file: fonts/both.ttc, face: TestCollB-Regular}\n  kai: fonts/a.woff2\n');
    const cache = join(house, 'cache');
    const { prepared, files } = await prepareEdition(dir, undefined, undefined, { fontCacheDir: cache });
    expect(files.flatMap((f) => f.messages.filter((m) => m.fatal !== undefined && m.fatal !== null))).toEqual([]);
    const faces = prepared!.fonts.house.faces;
    expect(faces.map((f) => [f.role, f.facts.postscriptName, f.facts.outlines, f.facts.faceIndex])).toEqual([
      ['heading', 'TestCollB-Regular', 'truetype', 1],
      ['kai', 'TestCollA-Regular', 'truetype', 0],
    ]);
    for (const face of faces) {
      expect(dirname(face.path)).toBe(cache);
      expect(readFileSync(face.path).readUInt32BE(0)).toBe(0x00010000);
    }
  }, 120_000);

  it('reports what a house font lacks of its role: each character where typed, and a summary on house.yaml', async () => {
    const { prepareEdition } = await import('../../src/pipeline/prepare-edition.js');
    const text = story();
    const { dir, papers } = paper({ 'edition.yaml': EDITION, 'a.md': text, '../house.yaml': 'fonts:\n  body: fonts/thin.ttf\n' });
    // The house Song lacks 村 and 修: the body sets them in Noto Serif SC.
    makeFont('ttf', join(papers, 'fonts', 'thin.ttf'), STORY_CHARS.replace(/[村修]/g, ''), 'Test Thin Song');
    const { files } = await prepareEdition(dir, undefined, undefined, { fontCacheDir: join(papers, 'cache') });
    const article = files.find((f) => f.path!.endsWith('a.md'))!;
    const fallbacks = article.messages.filter((m) => m.ruleId === 'font-fallback');
    const places = [...text.matchAll(/[村修]/g)].map((m) => placeOf(text, m[0], m.index));
    expect(fallbacks.map((m) => [m.line, m.column])).toEqual(places.map((p) => [p.line, p.column]));
    expect(fallbacks[0]!.reason).toBe(`村 U+6751 at a.md:${places[0]!.line}:${places[0]!.column} set in Noto Serif SC (not in Test Thin Song (fonts/thin.ttf), the body font)`);
    const house = files.find((f) => f.path!.endsWith('house.yaml'))!;
    expect(house.messages.map((m) => [m.ruleId, m.line, m.column, m.fatal])).toEqual([['house-font-coverage', 2, 9, undefined]]);
    expect(house.messages[0]!.reason).toContain("lacks 2 characters of this edition's body text, set from the fallback chain: 村 (Noto Serif SC), 修 (Noto Serif SC)");
  }, 60_000);
});
