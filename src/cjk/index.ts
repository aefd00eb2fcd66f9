// The CJK module's public API. Everything here runs in the browser too (no Node imports).
export {
  CJK_PUNCTUATION,
  CLOSING_BRACKETS,
  FULLWIDTH_PUNCTUATION,
  HAN_PATTERN,
  INSEPARABLE_PAIRS,
  LINE_END_PROHIBITED,
  LINE_START_PROHIBITED,
  OPENING_BRACKETS,
  isCjk,
  isHan,
  isLatinOrDigit,
  isLineEndProhibited,
  isLineStartProhibited,
} from './char-classes.js';
export { CJK_RULE_IDS, type CjkChange, type CjkEdit, type CjkRuleId } from './cjk-change.js';
export { findInseparableRanges, type InseparableRange } from './find-inseparable-ranges.js';
export { findProtectedRanges } from './find-protected-ranges.js';
export { normalizeCjkText, type NormalizeCjkOptions, type NormalizeCjkResult, type NormalizeCjkTextOptions } from './normalize-cjk-text.js';
export { normalizeCjkTree, type CjkTreeChange, type NormalizeCjkTreeOptions } from './normalize-cjk-tree.js';
