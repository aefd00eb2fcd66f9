import { PX_PER_PT, readGrid } from '../geometry.js';
import { checkLineBreak, isSingleCharLine, type LineRule } from './line-checks.js';
import { readLines, type TextLine } from './read-lines.js';
import { PARAGRAPH_SELECTOR, isTextBlock, splitParts, textBlocksIn } from './text-blocks.js';
import { sourcePosition } from './typeset-blocks.js';

export type AuditRule = LineRule | 'single-char-last-line' | 'off-grid' | 'small-text';

/** One typography problem found in the rendered page. */
export interface TypographyFinding {
  rule: AuditRule;
  /** Story id (`data-story`), or '' for page furniture (folio, credits, masthead). */
  story: string;
  /** Page id, like `A3`. */
  page: string;
  /** The story's Markdown file, relative to the edition folder, or ''. */
  file: string;
  /** Where the block starts in the Markdown file, when known. */
  line?: number;
  column?: number;
  /** The line at fault, or about 20 characters around the problem. */
  text: string;
  message: string;
}

/** Smallest text the paper prints, in pt. */
export const MIN_FONT_SIZE_PT = 7.5;
/** How far a line box may sit from the body grid, in px (layout rounds to 1/64 px). */
const GRID_TOLERANCE_PX = 0.5;

const nested = (el: Element) => isTextBlock(el);
const short = (text: string) => text.replace(/\s+/g, ' ').trim();

interface Context {
  story: string;
  page: string;
  file: string;
}

/**
 * Walk the rendered lines of every story and report what breaks the house rules: clreq's
 * line-start and line-end prohibitions, a split `——` or `……`, a paragraph ending with a
 * lone character, body lines off the baseline grid, and text smaller than 7.5 pt.
 */
export function auditTypography(doc: Document): TypographyFinding[] {
  const grid = readGrid(doc);
  const pitchPx = grid.linePitchPt * PX_PER_PT;
  const findings: TypographyFinding[] = [];
  for (const story of doc.querySelectorAll<HTMLElement>('.story[data-story]')) {
    const context: Context = {
      story: story.dataset.story ?? '',
      page: story.closest<HTMLElement>('.pw-page')?.dataset.page ?? '',
      file: story.dataset.file ?? '',
    };
    const report = (rule: AuditRule, el: Element, text: string, message: string) =>
      findings.push({ rule, ...context, ...sourcePosition(el), text: short(text), message });
    auditLines(story, report);
    const typeArea = story.closest('.type-area') ?? story;
    const top = typeArea.getBoundingClientRect().top;
    for (const frame of story.querySelectorAll<HTMLElement>(':scope > .frame, :scope > .jump-line')) {
      for (const block of textBlocksIn(frame)) auditGrid(block, top, pitchPx, report);
    }
    for (const table of story.querySelectorAll<HTMLTableElement>(':scope > table, :scope > aside table')) auditTableGrid(table, top, pitchPx, report);
  }
  findings.push(...auditFontSizes(doc));
  return findings;
}

type Report = (rule: AuditRule, el: Element, text: string, message: string) => void;

/**
 * Line rules over every text block of a story, frames in reading order. A paragraph split
 * between frames is one paragraph: its break between frames is checked like any other.
 */
function auditLines(story: HTMLElement, report: Report): void {
  let carried: TextLine | undefined;
  const blocks = [
    ...story.querySelectorAll<HTMLElement>(':scope > .headline, :scope > .byline, :scope > .figure-placed'),
    ...story.querySelectorAll<HTMLElement>(':scope > .frame'),
  ].flatMap((el) => textBlocksIn(el));
  for (const block of blocks) {
    const lines = readLines(block, nested);
    if (lines.length === 0) continue;
    const parts = splitParts(block);
    const previous = parts.before ? carried : undefined;
    const all = previous ? [previous, ...lines] : lines;
    for (let i = 1; i < all.length; i++) {
      for (const problem of checkLineBreak(all[i - 1]!.text, all[i]!.text)) {
        const at = problem.rule === 'line-start' ? all[i]! : all[i - 1]!;
        const text = problem.rule === 'split-pair' ? `${all[i - 1]!.text.slice(-10)}⏎${all[i]!.text.slice(0, 10)}` : at.text;
        report(problem.rule, block, text, problem.message);
      }
    }
    carried = parts.after ? lines[lines.length - 1] : undefined;
    const last = lines[lines.length - 1]!;
    const isParagraphEnd = !parts.after && block.matches(PARAGRAPH_SELECTOR) && block.closest('.frame');
    if (isParagraphEnd && (lines.length > 1 || parts.before) && isSingleCharLine(last.text)) {
      const unfixed = block.dataset.lastLine === 'unfixed' ? ' (neither tightening nor moving a character down fixed it)' : '';
      report(
        'single-char-last-line',
        block,
        all.length > 1 ? `${all[all.length - 2]!.text.slice(-10)}⏎${last.text}` : last.text,
        `Paragraph ends with \`${short(last.text)}\` alone on its last line, expected at least two characters${unfixed}`,
      );
    }
  }
}

/**
 * Baselines line up across columns when every text block in a frame starts a whole number
 * of body lines below the type area's top, its line-height is a whole number of body
 * lines, and no line box grew (a taller glyph or inline box would push the lines below it
 * off the grid): its content is exactly as tall as its lines.
 */
function auditGrid(block: HTMLElement, typeTop: number, pitchPx: number, report: Report): void {
  const lines = readLines(block, nested);
  if (lines.length === 0) return;
  const style = getComputedStyle(block);
  const px = (value: string) => parseFloat(value) || 0;
  const lineHeight = px(style.lineHeight);
  const pt = (value: number) => `${(value / PX_PER_PT).toFixed(2)} pt`;
  const text = lines[0]!.text;
  const ratio = lineHeight / pitchPx;
  if (Math.abs(ratio - Math.round(ratio)) * pitchPx > GRID_TOLERANCE_PX || ratio < 0.5) {
    report('off-grid', block, text, `Line height is ${pt(lineHeight)}, expected a whole number of ${pt(pitchPx)} body lines`);
    return;
  }
  const rect = block.getBoundingClientRect();
  const top = rect.top + px(style.borderTopWidth) + px(style.paddingTop) - typeTop;
  const off = top - Math.round(top / pitchPx) * pitchPx;
  if (Math.abs(off) > GRID_TOLERANCE_PX) {
    report('off-grid', block, text, `First line sits ${pt(off)} off the body grid (line ${(top / pitchPx + 1).toFixed(2)} of the type area), expected a whole number of ${pt(pitchPx)} lines`);
    return;
  }
  const height = rect.height - px(style.borderTopWidth) - px(style.paddingTop) - px(style.paddingBottom) - px(style.borderBottomWidth);
  const extra = height - lines.length * lineHeight;
  if (Math.abs(extra) > GRID_TOLERANCE_PX) {
    report('off-grid', block, text, `${lines.length} lines take ${pt(height)}, ${pt(extra)} more than ${lines.length} × ${pt(lineHeight)}: a line box grew and pushed the lines below it off the grid`);
  }
}

/**
 * A table keeps the grid when every row starts on a body line and is whole body lines tall,
 * and every cell's lines are the body pitch: then its text lines up with the columns beside
 * it, and the text under it stays on the grid.
 */
function auditTableGrid(table: HTMLTableElement, typeTop: number, pitchPx: number, report: Report): void {
  const pt = (value: number) => `${(value / PX_PER_PT).toFixed(2)} pt`;
  const offGrid = (value: number) => Math.abs(value - Math.round(value / pitchPx) * pitchPx) > GRID_TOLERANCE_PX;
  for (const row of table.rows) {
    const rect = row.getBoundingClientRect();
    const text = short(row.textContent ?? '');
    if (offGrid(rect.top - typeTop)) {
      report('off-grid', row, text, `Table row sits ${pt(rect.top - typeTop - Math.round((rect.top - typeTop) / pitchPx) * pitchPx)} off the body grid, expected a whole number of ${pt(pitchPx)} lines`);
      continue;
    }
    if (offGrid(rect.height) || rect.height < pitchPx / 2) {
      report('off-grid', row, text, `Table row is ${pt(rect.height)} tall, expected a whole number of ${pt(pitchPx)} body lines`);
      continue;
    }
    for (const cell of row.cells) {
      const lineHeight = parseFloat(getComputedStyle(cell).lineHeight) || 0;
      if (offGrid(lineHeight) || lineHeight < pitchPx / 2) {
        report('off-grid', cell, short(cell.textContent ?? ''), `Line height is ${pt(lineHeight)}, expected a whole number of ${pt(pitchPx)} body lines`);
      }
    }
  }
}

/** Every element with text of its own, printed smaller than 7.5 pt. */
function auditFontSizes(doc: Document): TypographyFinding[] {
  const findings: TypographyFinding[] = [];
  const minPx = MIN_FONT_SIZE_PT * PX_PER_PT - 0.01;
  const seen = new Set<Element>();
  const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    const el = node.parentElement;
    if (!el || seen.has(el) || !node.data.trim() || el.closest('script, style, .source, .typeset-probe')) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    if (size >= minPx || style.visibility !== 'visible' || el.getClientRects().length === 0) continue;
    const story = el.closest<HTMLElement>('.story[data-story]');
    findings.push({
      rule: 'small-text',
      story: story?.dataset.story ?? '',
      page: el.closest<HTMLElement>('.pw-page')?.dataset.page ?? '',
      file: story?.dataset.file ?? '',
      ...sourcePosition(el),
      text: short(el.textContent ?? '').slice(0, 20),
      message: `Text set at ${(size / PX_PER_PT).toFixed(2)} pt, expected at least ${MIN_FONT_SIZE_PT} pt`,
    });
  }
  return findings;
}
