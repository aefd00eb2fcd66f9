import type { CopyfitFacts } from './copyfit-text.js';
import type { ReportMessage } from './messages.js';

export interface StoryReport {
  file: string;
  story: string;
  part: 'main' | 'cont';
  overset: { chars: number; lines: number };
  short: { lines: number };
  continuedOn: string | null;
  /** The box as laid out (after `rows: auto` or a stack), in grid units. */
  box?: { col: number; cols: number; row: number; rows: number };
  /** What typography.fit changed to make the story fit. */
  fitted?: CopyfitFacts['fitted'];
  /** Characters to cut (overset) or to write (short) for the story to fit at its current settings. */
  writeToFit?: CopyfitFacts['writeToFit'];
  /** The headline's size as set, and why it did not fit when it did not; a vertical head's rectangle on the page grid. */
  headline?: { sizePt: number; naturalPt: number; lines: number; overflow?: string; vertical?: { col: number; cols: number; row: number; rows: number } };
  /** Layout passes the story took in the browser, and their time in ms. */
  layout?: { passes: number; ms: number };
}

export interface PageReport {
  id: string;
  template: string;
  pdf: string | null;
  plate: string | null;
  ok: boolean;
  stories: StoryReport[];
  /** Typography audit findings on the rendered page (clreq line rules, grid, size). */
  audit: { rule: string; story: string; text: string; message: string }[];
  /** Milliseconds per render step in the browser; null when the page came from the cache. */
  timings?: Record<string, number> | null;
  /** Supplied ads on the page, as placed (absent when the page has none). */
  ads?: AdReport[];
}

export interface AdReport {
  file: string;
  client: string | null;
  kind: string;
  box: { col: number; cols: number; row: number; rows: number };
  /** The ad's own size in mm and the scale it was placed at (1 unless `fit: scale`). */
  widthMm: number;
  heightMm: number;
  scale: number;
}

export interface EditionReport {
  ok: boolean;
  edition: string;
  dir: string;
  pdf: string | null;
  builtAt: string;
  versions: { presswork: string; chromium: string | null; pagedjs: string };
  pages: PageReport[];
  messages: ReportMessage[];
  timings: Record<string, number>;
  verify: { missingChars: number; stories: { story: string; page: string; missing: number; firstMissing: string }[] };
  preflight?: unknown;
  /** Set when this build made one share of the edition (`--shard K/N`). */
  shard?: { shard: number; of: number; pages: string[] };
  /** Pages that look different from the previous build (see changes.html). */
  changes?: { page: string; status: 'new' | 'changed' | 'unchanged'; changedPercent: number | null }[];
}

export function countBySeverity(messages: ReportMessage[]) {
  return {
    errors: messages.filter((m) => m.severity === 'error').length,
    warnings: messages.filter((m) => m.severity === 'warning').length,
  };
}
