/** What the normalisation rules report: one replacement each, with the rule and a message. */

export const CJK_RULE_IDS = [
  'fullwidth-punctuation',
  'punctuation-space',
  'curly-quotes',
  'halfwidth-alphanumeric',
  'han-latin-space',
  'em-dash',
  'ellipsis',
] as const;

export type CjkRuleId = (typeof CJK_RULE_IDS)[number];

/** A replacement proposed by a rule, in the coordinates of the text the rule was given. */
export interface CjkEdit {
  start: number;
  end: number;
  to: string;
  ruleId: CjkRuleId;
  reason: string;
}

/** A replacement made, in the coordinates of the input text (UTF-16 offsets). */
export interface CjkChange {
  offset: number;
  length: number;
  from: string;
  to: string;
  ruleId: CjkRuleId;
  reason: string;
}
