import { PX_PER_PT, type BrowserGrid } from './geometry.js';
import type { StoryPass } from './layout-story.js';
import { readLastLines } from './typography/index.js';

/**
 * Characters that would fill the story's empty lines at its current settings: whole empty
 * lines at the column's measure (the body size plus the story's tracking) and what is left
 * of the last line of text.
 */
export function charsToAdd(pass: StoryPass, grid: BrowserGrid): number {
  const frame = [...pass.frames].reverse().find((f) => f.lastElementChild) ?? pass.frames[0];
  if (!frame) return 0;
  const style = getComputedStyle(frame);
  const sizePt = parseFloat(style.fontSize) / PX_PER_PT;
  const perLine = Math.floor((grid.columnWidthPt + 0.01) / (sizePt * (1 + pass.settings.trackingEm)));
  const last = frame.lastElementChild;
  const lastLine = last ? readLastLines(last, 1)[0] : undefined;
  const partial = lastLine ? Math.max(0, perLine - [...lastLine.text.replace(/\s+/g, '')].length) : 0;
  return pass.short * perLine + partial;
}
