// Chinese typography in the browser: line rules applied before the flow, and the audit after it.
export { auditTypography, MIN_FONT_SIZE_PT, type AuditRule, type TypographyFinding } from './audit-typography.js';
export { fixLastLine, MAX_TIGHTEN_EM, type LastLineFix } from './fix-last-line.js';
export { glueLineStartMarks, UNGUARDED_LINE_START } from './glue-line-start.js';
export { checkLineBreak, contentChars, isSingleCharLine, type LineBreakProblem, type LineRule } from './line-checks.js';
export { readLastLines, readLines, type TextLine } from './read-lines.js';
export { typesetBlocks, typesetInPlace, type LineFix } from './typeset-blocks.js';
