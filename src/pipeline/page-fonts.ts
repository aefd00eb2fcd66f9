import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { createPromiseCache } from '../util/promise-cache.js';
import { fontFaceRule, mainFontFaces, punctuationFaces, songFile, type FontFaceSource } from '../fonts/npm-fonts.js';
import { roleVariablesCss, type FontSet } from '../fonts/font-set.js';
import { isPrivateUse } from '../markdown/copy-characters.js';
import { FALLBACK_FONT, faceCoverage } from '../fonts/font-chain.js';
import { heldFace } from '../fonts/held-faces.js';
import { DECODED_FONTS_DIR } from '../fonts/decoded-faces.js';

/**
 * Per-page font subsets for the print build.
 *
 * The whole Noto and LXGW faces are 1–7 MB of woff2 each. Every tab decoded all seven before
 * its page could load (4–6 s of a page's render) and Chromium's print subset them again
 * (2–3 s). A page draws one or two thousand distinct characters, so each page gets TrueType
 * subsets of the characters it can show: its HTML, plus the text our stylesheet and layout
 * script can add (jump lines, generated content).
 *
 * The page's stylesheet declares the subsets in place of the whole faces (same families,
 * weights and order), each with a `unicode-range` of exactly the characters it holds. Every
 * character the page shows that a whole face has is in its subset, so the page looks as it
 * would with the whole fonts; a character that no main face has falls back, as before, to
 * the ` Extended` slices, which stay shared (`fonts-extended.css`).
 */
export interface PageFontSubsetter {
  /** URL of the page's stylesheet of subsets, for its HTML. */
  href(pageId: string): string;
  /**
   * Subset every main face to the characters of `text`, and write the page's stylesheet.
   * Returns the subsets' URLs, for the page to preload.
   */
  write(pageId: string, text: string): Promise<string[]>;
  /** Delete subsets no page stylesheet uses any more (each edit of a page makes new ones). */
  prune(): Promise<void>;
}

interface Subset {
  file: string;
  /** Code points the subset's cmap holds. */
  codePoints: number[];
}

const SUBSET_URL_PREFIX = '/assets/fonts';
/** A subset file's name: this many hex digits of a hash of its face and characters. */
const SUBSET_KEY_DIGITS = 24;
const subsetKey = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, SUBSET_KEY_DIGITS);

/**
 * A subset's URL path. Its file is named by a hash of its face and characters, so what it
 * holds never changes under that name: the server lets the browser keep it (no revalidation).
 */
export const SUBSET_FONT_PATH = new RegExp(`^${SUBSET_URL_PREFIX}/[0-9a-f]{${SUBSET_KEY_DIGITS}}\\.ttf$`);

/**
 * Subsets written to `<assetsDir>/fonts/`, served as `/assets/fonts/`. The stylesheet and the
 * layout script in `assetsDir` count as page text: they add characters of their own.
 * `decodedDir` keeps the decoded whole faces between builds.
 */
export async function createPageFontSubsetter(assetsDir: string, decodedDir = DECODED_FONTS_DIR, fontSet?: FontSet): Promise<PageFontSubsetter> {
  const extraText = (await Promise.all(['newspaper.css', 'layout.js'].map((file) => readFile(join(assetsDir, file), 'utf8')))).join('');
  return pageFontSubsetter({ dir: join(assetsDir, 'fonts'), urlPrefix: SUBSET_URL_PREFIX, extraText, decodedDir, fontSet });
}

/**
 * Starts loading the whole faces into harfbuzz for the build's subsetters, without waiting:
 * called as soon as a build will surely render a page, so the 100 MB of faces are read (on
 * libuv's threads) while the edition is prepared rather than before the first page's fonts.
 */
export function warmPageFonts(decodedDir = DECODED_FONTS_DIR): void {
  void warmFaces(mainFontFaces().then((list) => list.map((face) => face.path)), FALLBACK_FONT, decodedDir);
}

/**
 * The main faces, then the fallback font (51 MB; most pages have a character or two only it
 * has), each with its coverage. A failure is not reported here: the page that needs the face
 * reports it.
 */
async function warmFaces(paths: Promise<string[]>, fallback: string | undefined, decodedDir: string): Promise<void> {
  const load = (path: string) => Promise.all([heldFace(path, decodedDir), faceCoverage(path)]);
  try {
    await Promise.all((await paths).map(load));
    if (fallback) await load(fallback);
  } catch {
    // reported by the page
  }
}

/** A character of a page that no font has: the page is not built rather than printed with tofu. */
export class PageGlyphError extends Error {}

function pageFontSubsetter(options: { dir: string; urlPrefix: string; extraText: string; decodedDir: string; fontSet?: FontSet }): PageFontSubsetter {
  const set = options.fontSet;
  // Each face with what names its file (path and size), read once: it keys every page's subsets.
  // House faces come first, the fallback last: the order the role variables name them in.
  const faces = mainFontFaces().then((list) =>
    Promise.all([...(set?.houseFaces ?? []), ...list].map(async (face) => ({ face, id: `${face.path}\n${(await stat(face.path)).size}` }))),
  );
  const chains = set ? [...set.chains.values()].map((chain) => chain.slice(0, -1)) : [];
  /** Characters some role's chain has only in the fallback font. */
  const forFallback = (characters: string) => [...characters].filter((c) => chains.some((chain) => !chain.some((font) => font.has(c.codePointAt(0)!)))).join('');
  let folder: Promise<unknown> | undefined;
  const subsets = createPromiseCache<string, Subset>();
  // The stylesheet's and layout script's characters (80 kB of text) are the same for every page.
  const extraCodePoints = new Set([...pageCharacters(options.extraText)].map((c) => c.codePointAt(0)!));
  // Each whole face is loaded in harfbuzz once (decoded from woff2 once per machine).
  const whole = (path: string) => heldFace(path, options.decodedDir);

  // Loading starts now (unless warmPageFonts started it earlier), while Chromium starts and
  // the first page is templated.
  void warmFaces(faces.then((list) => list.map(({ face }) => face.path)), set?.fallbackFace.path, options.decodedDir);

  const subset = (face: FontFaceSource, characters: string, key: string): Promise<Subset> =>
    subsets.get(key, async () => {
      const file = join(options.dir, `${key}.ttf`);
      const asked = [...characters].map((c) => c.codePointAt(0)!);
      // harfbuzz keeps exactly the asked characters that the face maps: no need to read the subset's cmap.
      const coverage = await faceCoverage(face.path);
      const codePoints = asked.filter((cp) => coverage.has(cp));
      // A face with none of the page's characters is left out of its stylesheet: no subset.
      if (codePoints.length === 0) return { file: basename(file), codePoints };
      // Files are named by what went into them, so one left by an earlier build is reused.
      const existing = await stat(file).then((info) => info.isFile(), () => false);
      if (!existing) await writeFileAtomic(file, await (await whole(face.path)).subset(asked));
      return { file: basename(file), codePoints };
    });

  return {
    href: (pageId) => `${options.urlPrefix}/${pageId}.css`,
    async write(pageId, text) {
      await (folder ??= mkdir(options.dir, { recursive: true }));
      if (set) checkPageGlyphs(pageId, text, set);
      const characters = pageCharacters(text, extraCodePoints);
      const rules: string[] = set ? [roleVariablesCss(set)] : [];
      const urls = new Set<string>();
      const songSrc = new Map<string, string>();
      const list = await faces;
      // All at once: harfbuzz runs one at a time, but each subset's file is written meanwhile.
      const made = await Promise.all(list.map(({ face, id }) => subset(face, characters, subsetKey(`${id}\n${characters}`))));
      for (const [i, { face }] of list.entries()) {
        const { file, codePoints } = made[i]!;
        if (codePoints.length === 0) continue;
        urls.add(`${options.urlPrefix}/${file}`);
        const src = `url(${options.urlPrefix}/${file}) format('truetype')`;
        if (basename(face.path) === songFile(face.weight)) songSrc.set(face.weight, src);
        rules.push(fontFaceRule(face, src, unicodeRange(codePoints)));
      }
      const rare = set ? forFallback(characters) : '';
      if (set && rare) {
        const face = set.fallbackFace;
        const key = subsetKey(`${face.path}\n${set.digest}\n${rare}`);
        const { file, codePoints } = await subset(face, rare, key);
        if (codePoints.length > 0) {
          urls.add(`${options.urlPrefix}/${file}`);
          rules.push(fontFaceRule(face, `url(${options.urlPrefix}/${file}) format('truetype')`, unicodeRange(codePoints)));
        }
      }
      rules.push(punctuationFaces((weight) => songSrc.get(weight)));
      await writeFileAtomic(join(options.dir, `${pageId}.css`), `${rules.join('\n')}\n`);
      return [...urls];
    },
    async prune() {
      const files = await readdir(options.dir).catch(() => [] as string[]);
      const used = new Set<string>();
      for (const css of files.filter((f) => f.endsWith('.css'))) {
        for (const [, file] of (await readFile(join(options.dir, css), 'utf8')).matchAll(/url\([^)]*\/([0-9a-f]+\.ttf)\)/g)) used.add(file!);
      }
      await Promise.all(files.filter((f) => f.endsWith('.ttf') && !used.has(f)).map((f) => rm(join(options.dir, f), { force: true })));
    },
  };
}

/**
 * The page with its font subsets preloaded. Without this the browser asks for them only once
 * the scripts have run and styles resolve, and the load event waits for them (~0.15 s a page).
 * `crossorigin` makes the preload match the stylesheet's font request, so each is fetched once.
 */
export function withFontPreloads(html: string, fonts: string[]): string {
  const links = fonts.map((url) => `<link rel="preload" href="${url}" as="font" type="font/ttf" crossorigin>`).join('\n');
  return links ? html.replace('</head>', `${links}\n</head>`) : html;
}

/**
 * The page's own text (its HTML: masthead, folio, credits, stories) against every font: the
 * articles were checked character by character where they were typed, so what is left here
 * comes from edition.yaml or a template.
 */
function checkPageGlyphs(pageId: string, html: string, set: FontSet): void {
  const text = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]*>/g, '');
  const missing = [...pageCharacters(text)].filter((c) => {
    const cp = c.codePointAt(0)!;
    return cp >= 0x80 && (isPrivateUse(cp) || ![...set.chains.values()].some((chain) => chain.some((font) => font.has(cp))));
  });
  if (missing.length === 0) return;
  const list = missing.map((c) => `${c} U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(', ');
  throw new PageGlyphError(`Page ${pageId} was not built: its text from edition.yaml or a template has characters no font has (${list}); replace them`);
}

/** Every distinct printable character of `text` (and of `more`), in code point order. */
export function pageCharacters(text: string, more: Iterable<number> = []): string {
  const codePoints = new Set<number>(more);
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    if (cp >= 0x20) codePoints.add(cp);
  }
  return String.fromCodePoint(...[...codePoints].sort((a, b) => a - b));
}

/** `U+20-7E,U+3001-3002,…` for a sorted list of code points. */
export function unicodeRange(codePoints: number[]): string {
  const sorted = [...codePoints].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let end = i;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end += 1;
    const hex = (cp: number) => cp.toString(16).toUpperCase();
    ranges.push(end === i ? `U+${hex(sorted[i]!)}` : `U+${hex(sorted[i]!)}-${hex(sorted[end]!)}`);
    i = end + 1;
  }
  return ranges.join(',');
}
