/** One page's change since the previous build, as changes.html and report.json show it (see pipeline/page-changes.ts). */
export interface PageChange {
  page: string;
  status: 'new' | 'changed' | 'unchanged';
  /** Share of pixels that differ, in percent with two decimals; null for a new page. */
  changedPercent: number | null;
  changedPixels: number | null;
  /** Absolute PNG paths; `before` is null for a new page, `diff` unless the page changed. */
  before: string | null;
  after: string;
  diff: string | null;
}
