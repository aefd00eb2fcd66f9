/**
 * Line-start prohibitions that `line-break: strict` does not enforce in Chromium (measured
 * in Chromium 156 at a column width that puts each of clreq's characters at a line start:
 * only these two get through). U+00B7 is line-break class AI and U+FF5E class ID, so UAX #14
 * allows a break before them.
 */
export const UNGUARDED_LINE_START = '·～';

const MARKS = new RegExp(`[${UNGUARDED_LINE_START}]+`, 'gu');
const SKIPPED = 'code, pre, kbd, samp, .nobreak';

/**
 * Tie each `·` and `～` to the character before it with `<span class="nobreak">` (`white-space:
 * nowrap`), so a line can break after the mark but never before it. Marks at the very
 * start of a text node (after an inline element) are left alone; the audit would report
 * one that lands at a line start. Returns how many spans were added.
 */
export function glueLineStartMarks(block: Element): number {
  const doc = block.ownerDocument;
  const walker = doc.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    if (!node.parentElement?.closest(SKIPPED)) nodes.push(node);
  }
  let glued = 0;
  for (const node of nodes) {
    const matches = [...node.data.matchAll(MARKS)].filter((m) => m.index > 0 && !/\s/u.test(node.data[m.index - 1]!));
    // From the end, so earlier offsets stay valid while the node is split.
    for (const match of matches.reverse()) {
      const before = [...node.data.slice(0, match.index)].pop()!;
      const start = match.index - before.length;
      const range = doc.createRange();
      range.setStart(node, start);
      range.setEnd(node, match.index + match[0].length);
      const span = doc.createElement('span');
      span.className = 'nobreak';
      range.surroundContents(span);
      glued++;
    }
  }
  return glued;
}
