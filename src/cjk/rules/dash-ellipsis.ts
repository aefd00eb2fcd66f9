import type { CjkEdit, CjkRuleId } from '../cjk-change.js';
import { isCjk } from '../char-classes.js';
import { charAfter, charBefore } from '../scan-text.js';

type Context = 'always' | 'beside' | 'between';

interface Variant {
  pattern: RegExp;
  to: '——' | '……';
  context: Context;
}

// Chinese dashes and ellipses take two character cells. These are the ways they get typed.
const VARIANTS: Variant[] = [
  { pattern: /(?<!－)－－(?!－)/g, to: '——', context: 'always' },
  { pattern: /(?<![—―])(?:――|—―|―—)(?![—―])/g, to: '——', context: 'always' },
  { pattern: /(?<![—―])[—―](?![—―])/g, to: '——', context: 'between' },
  { pattern: /(?<!-)--(?!-)/g, to: '——', context: 'between' },
  { pattern: /(?<!。)(?:。{6}|。{3})(?!。)/g, to: '……', context: 'always' },
  { pattern: /(?<!\.)(?:\.{6}|\.{3})(?!\.)/g, to: '……', context: 'beside' },
  { pattern: /(?<![…⋯])(?:[…⋯]|⋯⋯)(?![…⋯])/g, to: '……', context: 'beside' },
];

/**
 * `——` and `……` typed as `--`, `－－`, a lone `—`, `...`, `。。。` or a lone `…`. Marks that
 * also occur in Latin text (`--`, `—`, `...`, `…`) convert only next to Chinese: `between`
 * needs Chinese on one side and Chinese or the paragraph's edge on the other.
 */
export function dashEllipsis(text: string): CjkEdit[] {
  const edits: CjkEdit[] = [];
  for (const { pattern, to, context } of VARIANTS) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      const before = charBefore(text, start);
      const after = charAfter(text, end);
      if (!fits(context, before, after)) continue;
      const ruleId: CjkRuleId = to === '——' ? 'em-dash' : 'ellipsis';
      const name = to === '——' ? 'a dash' : 'an ellipsis';
      edits.push({ start, end, to, ruleId, reason: `Unexpected \`${match[0]}\` as ${name} in Chinese text, expected \`${to}\`` });
    }
  }
  return edits;
}

function fits(context: Context, before: string | undefined, after: string | undefined): boolean {
  if (context === 'always') return true;
  if (context === 'beside') return isCjk(before) || isCjk(after);
  const edge = (char: string | undefined) => char === undefined || char === '\n' || isCjk(char);
  return edge(before) && edge(after) && (isCjk(before) || isCjk(after));
}
