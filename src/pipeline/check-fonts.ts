import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ReportMessage } from '../report/messages.js';

const run = promisify(execFile);

/** PostScript name prefixes of the fonts presswork ships (subset tags like `AAAAAA+` stripped). */
const OUR_FONTS = /^(NotoSerifSC|NotoSansSC|LXGWWenKai)/;

/**
 * Chromium falls back to a system font for characters our fonts lack, silently. Every
 * character of the copy is checked against the fonts before a page renders (remark-font-
 * coverage, per character at its place); a font in the PDF that is none of ours (npm, house,
 * fallback) means one slipped past that check: an error per page, never silence.
 */
export async function checkPageFonts(pdfPath: string, pageId: string, houseNames: string[] = []): Promise<ReportMessage[]> {
  const { stdout } = await run('pdffonts', [pdfPath], { timeout: 30_000 });
  const names = stdout
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => (line.split(/\s+/)[0] ?? '').replace(/^[A-Z]{6}\+/, ''));
  const ours = (name: string) => OUR_FONTS.test(name) || houseNames.some((house) => name === house || name.startsWith(`${house}-`));
  const foreign = [...new Set(names.filter((name) => name && !ours(name)))];
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
