import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ReportMessage } from '../report/messages.js';

const run = promisify(execFile);

/** PostScript name prefixes of the fonts presswork ships (subset tags like `AAAAAA+` stripped). */
const OUR_FONTS = /^(NotoSerifSC|NotoSansSC|LXGWWenKai)/;

/**
 * Chromium falls back to a system font for characters our fonts lack, silently. Any font in
 * a page that is not ours means a glyph is missing from the house fonts: an error per page.
 */
export async function checkPageFonts(pdfPath: string, pageId: string): Promise<ReportMessage[]> {
  const { stdout } = await run('pdffonts', [pdfPath], { timeout: 30_000 });
  const names = stdout
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => (line.split(/\s+/)[0] ?? '').replace(/^[A-Z]{6}\+/, ''));
  const foreign = [...new Set(names.filter((name) => name && !OUR_FONTS.test(name)))];
  return foreign.map((name) => ({
    severity: 'error' as const,
    file: '',
    line: null,
    column: null,
    message: `Page ${pageId} uses the system font ${name}: some characters are missing from presswork's fonts (Noto Serif SC, Noto Sans SC, LXGW WenKai); replace them or add a font that has them`,
    ruleId: 'missing-glyph',
    page: pageId,
  }));
}
