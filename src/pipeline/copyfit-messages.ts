import { join, relative } from 'node:path';
import type { Copyfit } from '../browser/layout-story.js';
import type { Edition } from '../edition/load-edition.js';
import type { ReportMessage } from '../report/messages.js';

/** Line and column of `title:` in an article's front matter. */
function titlePosition(text: string): { line: number; column: number } | undefined {
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (index > 0 && line.trim() === '---') break;
    const key = /^title\s*:\s*/.exec(line);
    if (index > 0 && key) return { line: index + 1, column: key[0].length + 1 };
  }
  return undefined;
}

function describeBox(box: Copyfit['box']): string {
  return box ? `box {col: ${box.col}, cols: ${box.cols}, row: ${box.row}, rows: ${box.rows}}` : 'its box';
}

/** The errors one story's layout gives: overset (with the cut), a headline that does not fit, boxes with no room. */
export function copyfitMessages(fit: Copyfit, dir: string, edition: Edition): ReportMessage[] {
  const file = relative(dir, join(edition.dir, fit.file));
  const at = (line: number | null, column: number | null, message: string, ruleId: string): ReportMessage => ({
    severity: 'error',
    file,
    line,
    column,
    message,
    ruleId,
    page: fit.page,
    story: fit.story,
  });
  const messages: ReportMessage[] = [];
  if (fit.overset.chars > 0) {
    messages.push(at(null, null, `${fit.page} ${fit.story}: overset ${fit.overset.chars} chars / ${fit.overset.lines} lines; cut ${fit.writeToFit?.cut ?? fit.overset.chars} chars, enlarge its box or add a \`continue\` jump`, 'overset'));
  }
  if (fit.headline?.overflow) {
    const story = edition.pages.flatMap((p) => p.stories).find((s) => s.id === fit.story);
    const place = story ? titlePosition(String(story.file.value)) : undefined;
    messages.push(
      at(place?.line ?? null, place?.column ?? null, `${fit.page} ${fit.story}: the headline does not fit ${describeBox(fit.box)}: ${fit.headline.overflow}; shorten the title or give the story a wider or taller box`, 'headline-overflow'),
    );
  }
  for (const block of fit.blocks ?? []) {
    const [line, column] = (block.src ?? '').split(':').map(Number);
    // A too-wide table's message says what to change; a box with no room gets the desk's choices.
    const advice = block.rule === 'table-too-wide' ? '' : '; shorten it, give it fewer columns or the story a bigger box';
    messages.push(at(line || null, column || null, `${fit.page} ${fit.story}: ${block.message}${advice}`, block.rule ?? 'block-no-room'));
  }
  return messages;
}
