import { HAN_PATTERN } from './char-classes.js';
import type { CjkChange, CjkEdit, CjkRuleId } from './cjk-change.js';
import { createEditBuffer } from './edit-buffer.js';
import { findProtectedRanges } from './find-protected-ranges.js';
import { curlyQuotes } from './rules/curly-quotes.js';
import { dashEllipsis } from './rules/dash-ellipsis.js';
import { fullwidthPunctuation } from './rules/fullwidth-punctuation.js';
import { halfwidthAlphanumeric } from './rules/halfwidth-alphanumeric.js';
import { hanLatinSpace } from './rules/han-latin-space.js';

export interface NormalizeCjkOptions {
  /**
   * Remove typed spaces between Han and Latin letters or digits (default true): the page
   * sets `text-autospace`, which adds that spacing itself.
   */
  autospace?: boolean;
  /** Rules to switch off. */
  disable?: readonly CjkRuleId[];
}

export interface NormalizeCjkTextOptions extends NormalizeCjkOptions {
  /**
   * Text around this run in the same paragraph, when the caller holds the paragraph in
   * pieces (DOM text nodes split by `<strong>`). Rules read it to decide, but never change
   * it. Pass everything before the run, already normalised, so quotes pair across runs.
   */
  context?: { before?: string; after?: string };
}

export interface NormalizeCjkResult {
  text: string;
  /** In input coordinates, in order; applying them to the input gives `text`. */
  changes: CjkChange[];
}

type Rule = (text: string) => CjkEdit[];

// Full-width letters and digits go first (so the rules below see them as Latin). Then
// quotes and dashes before stops, so `”,` and `……,` count as Chinese neighbours; spacing last.
const CHINESE_RULES: Rule[] = [curlyQuotes, dashEllipsis, fullwidthPunctuation, hanLatinSpace];
// Each pass that changes anything adds Chinese context; real copy settles in two passes.
const MAX_PASSES = 8;

/**
 * Normalise one run of Chinese copy by the clreq-based house rules. Full-width letters and
 * digits are fixed everywhere; every other rule acts only when the paragraph holds Han,
 * so Latin-only text is left as typed. URLs and e-mail addresses are never changed.
 */
export function normalizeCjkText(text: string, options: NormalizeCjkTextOptions = {}): NormalizeCjkResult {
  const before = options.context?.before ?? '';
  const after = options.context?.after ?? '';
  const full = before + text + after;
  const end = before.length + text.length;
  const buffer = createEditBuffer(full, [[0, before.length], [end, full.length], ...findProtectedRanges(full)]);
  const disabled = new Set<CjkRuleId>(options.disable ?? []);
  if (options.autospace === false) disabled.add('han-latin-space');
  const run = (rule: Rule) => buffer.apply(rule(buffer.text).filter((edit) => !disabled.has(edit.ruleId)));

  run(halfwidthAlphanumeric);
  if (HAN_PATTERN.test(buffer.text)) {
    // A conversion can make its neighbour Chinese context (`1...,文`: the `，` makes the dots
    // an ellipsis), so repeat until nothing changes; conversions only add Chinese, so this ends.
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      if (CHINESE_RULES.reduce((made, rule) => made + run(rule), 0) === 0) break;
    }
  }
  const changes = buffer.changes().map((change) => ({ ...change, offset: change.offset - before.length }));
  const result = buffer.text;
  return { text: result.slice(before.length, result.length - after.length), changes };
}
