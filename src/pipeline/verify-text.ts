import { execFile } from 'node:child_process';
import { plainLine, rowCells } from '../markdown/table-row-text.js';

export interface StoryText {
  story: string;
  /** The page the story starts on. */
  page: string;
  /** Every page the story's parts landed on, in reading order. */
  pages: string[];
  text: string;
  /** Text the report already counts as overset; it is expected to be absent. */
  oversetText: string;
}

export interface VerifyResult {
  missingChars: number;
  stories: { story: string; page: string; missing: number; firstMissing: string }[];
}

/** Whitespace-free, NFKC-normalised: the PDF's spacing and ligatures are not content. */
export function comparable(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b\u2060\u00ad]+/g, '');
}

/**
 * The text of each page in content-stream order (`pdftotext -raw`, from poppler): that is the
 * order Chromium drew it in, frame after frame. An order of magnitude faster than pdf.js here.
 */
export async function extractPageTexts(pdf: Uint8Array): Promise<string[]> {
  // One pass over the whole file; pdftotext ends every page with a form feed. The two run side by side.
  const [{ stdout: info }, { stdout }] = await Promise.all([runWithInput('pdfinfo', ['-'], pdf), runWithInput('pdftotext', ['-raw', '-enc', 'UTF-8', '-', '-'], pdf)]);
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
  const texts = stdout.split('\f').slice(0, pages);
  while (texts.length < pages) texts.push('');
  return texts;
}

function runWithInput(command: string, args: string[], input: Uint8Array): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout) =>
      error ? reject(new Error(`${command} failed: ${error.message}`)) : resolve({ stdout }),
    );
    child.stdin?.end(Buffer.from(input));
  });
}

/**
 * A row is there when its cells are, one after the other. When it is not, the cell whose
 * loss explains it is the missing text; failing that, whatever does not match in order.
 */
function matchRow(cells: string[], haystack: string): { missing: number; firstMissing: string } {
  if (haystack.includes(cells.join(''))) return { missing: 0, firstMissing: '' };
  for (const [i, cell] of cells.entries()) {
    if (cell && haystack.includes(cells.filter((_, j) => j !== i).join(''))) return { missing: [...cell].length, firstMissing: cell };
  }
  const line = cells.join('');
  const match = matchLine(line, haystack, 0, 0);
  const missing = Math.max(1, match.missing);
  return { missing, firstMissing: line.slice(Math.max(0, match.firstMissingAt), Math.max(0, match.firstMissingAt) + 40) };
}

const CHUNK = 8;
/** How far ahead a lone character may be found, when a chunk straddles a jump line or a pseudo-element. */
const WINDOW = 24;

/** Characters of `line` not found, in order, in `haystack` from `from`; and where matching ended. */
function matchLine(line: string, haystack: string, from: number, window = WINDOW): { missing: number; firstMissingAt: number; end: number } {
  let at = from;
  let missing = 0;
  let firstMissingAt = -1;
  for (let i = 0; i < line.length; ) {
    const chunk = line.slice(i, i + CHUNK);
    const found = haystack.indexOf(chunk, at);
    // A whole chunk may be far ahead: a jump page, or other stories between two frames.
    if (found >= 0) {
      at = found + chunk.length;
      i += chunk.length;
      continue;
    }
    // Fall back to one character, close to where we are.
    const single = haystack.indexOf(line[i]!, at);
    if (single >= 0 && single - at <= window) {
      at = single + 1;
    } else {
      missing += 1;
      if (firstMissingAt < 0) firstMissingAt = i;
    }
    i += 1;
  }
  return { missing, firstMissingAt, end: at };
}

/**
 * The expected lines minus what the report already counts as overset: whole blocks that
 * went over, and the tail of the paragraph that was split where the last frame ended.
 */
export function withoutOverset(lines: string[], overset: string): string[] {
  if (!overset) return lines;
  const kept = lines.filter((line) => !overset.includes(line));
  return kept.map((line) => {
    // Longest suffix first; a few characters at least, so a chance match trims nothing.
    for (let cut = 1; cut <= line.length - Math.min(4, overset.length); cut++) {
      if (overset.startsWith(line.slice(cut))) return line.slice(0, cut);
    }
    return line;
  });
}

/**
 * Every character of every story must appear in the PDF text of its pages, in order within
 * each block (paragraph, heading, caption). Layout may move whole blocks, such as figures,
 * so blocks are looked for independently. This is the guard against silent text loss.
 */
export async function verifyPdfText(pdf: Uint8Array, pageIds: string[], stories: StoryText[]): Promise<VerifyResult> {
  const pageTexts = (await extractPageTexts(pdf)).map(comparable);
  const result: VerifyResult = { missingChars: 0, stories: [] };
  for (const story of stories) {
    const pages = story.pages.length > 0 ? story.pages : [story.page];
    const haystack = pages.map((id) => pageTexts[pageIds.indexOf(id)] ?? '').join('');
    let missing = 0;
    let firstMissing = '';
    const overset = comparable(story.oversetText);
    const all = story.text.split('\n').filter((line) => comparable(plainLine(line)));
    // A table row is checked whole, or not at all when the report counts it as overset.
    const rows = all.filter((line) => rowCells(line));
    const lines = withoutOverset(all.filter((line) => !rowCells(line)).map(comparable), overset);
    for (const line of lines) {
      const match = matchLine(line, haystack, 0);
      if (match.missing > 0) {
        missing += match.missing;
        firstMissing ||= line.slice(match.firstMissingAt, match.firstMissingAt + 40);
      }
    }
    for (const row of rows) {
      const cells = rowCells(row)!.map(comparable);
      if (overset.includes(cells.join(''))) continue;
      const match = matchRow(cells, haystack);
      missing += match.missing;
      if (match.missing > 0) firstMissing ||= match.firstMissing;
    }
    if (missing > 0) {
      result.missingChars += missing;
      result.stories.push({ story: story.story, page: story.page, missing, firstMissing });
    }
  }
  return result;
}
