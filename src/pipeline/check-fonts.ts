import type { ReportMessage } from '../report/messages.js';
import { runTool } from '../util/run-tool.js';

/** PostScript name prefixes of the fonts presswork ships (subset tags like `AAAAAA+` stripped). */
const OUR_FONTS = /^(NotoSerifSC|NotoSansSC|LXGWWenKai)/;

/** `/BaseFont /Name` in an object written out in the open; the name ends at a PDF delimiter or white space. */
const BASE_FONT = /\/BaseFont\s*\/([^\s/[\]<>(){}%]+)/g;

/**
 * The PostScript names of the fonts a page PDF uses, subset tags stripped. Chromium writes
 * every object uncompressed, so the names are read from the bytes: no pdffonts process
 * forked from this large one (~25 ms of CPU a page). A PDF that keeps objects in object
 * streams, where a font dictionary may be compressed, is read by pdffonts instead.
 */
export async function pdfFontNames(pdf: Uint8Array, path: string): Promise<string[]> {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const names = /\/Type\s*\/ObjStm\b/.test(text) ? await pdffontsNames(path) : [...text.matchAll(BASE_FONT)].map((m) => decodeName(m[1]!));
  return [...new Set(names.map((name) => name.replace(/^[A-Z]{6}\+/, '')).filter(Boolean))];
}

async function pdffontsNames(path: string): Promise<string[]> {
  const { stdout } = await runTool('pdffonts', [path], { timeoutMs: 30_000 });
  return stdout.toString('utf8').trim().split('\n').slice(2).map((line) => line.split(/\s+/)[0] ?? '');
}

/** A PDF name's `#xx` escapes, as pdffonts prints them. */
function decodeName(name: string): string {
  return name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * Chromium falls back to a system font for characters our fonts lack, silently. Every
 * character of the copy is checked against the fonts before a page renders (remark-font-
 * coverage, per character at its place); a font in the PDF that is none of ours (npm, house,
 * fallback) means one slipped past that check: an error per page, never silence.
 */
export async function checkPageFonts(pdf: Uint8Array, pdfPath: string, pageId: string, houseNames: string[] = []): Promise<ReportMessage[]> {
  const ours = (name: string) => OUR_FONTS.test(name) || houseNames.some((house) => name === house || name.startsWith(`${house}-`));
  const foreign = (await pdfFontNames(pdf, pdfPath)).filter((name) => !ours(name));
  return foreign.map((name) => ({
    severity: 'error' as const,
    file: '',
    line: null,
    column: null,
    message: `Page ${pageId} uses the system font ${name}, which none of the checks before printing expected: a character of the page is in none of its fonts (npm, house or ${'BabelStone Han'}); the per-character messages name those of the copy`,
    ruleId: 'missing-glyph',
    page: pageId,
  }));
}
