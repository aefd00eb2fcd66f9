/**
 * What the preview server tells its browser tabs, over `/_preview/state.json` and the
 * live-reload channel. Shared by the server and the browser client (types only).
 */

import type { ReportMessage, Severity } from '../report/messages.js';

export type PreviewSeverity = Severity;

/** A report message as the build writes it, plus the source lines shown in the overlay. */
export interface PreviewMessage extends ReportMessage {
  /** A few source lines around `line`, with a caret under `column` (like Vite's overlay). */
  frame?: string;
}

export interface PreviewStoryFit {
  story: string;
  part: 'main' | 'cont';
  /** Source path relative to the edition folder, as in edition.yaml. */
  file: string;
  /** Full path of the source, for staff to open. */
  path: string;
  title: string;
  overset: { chars: number; lines: number };
  short: { lines: number };
  continuedOn?: string;
  /** Characters to cut or to write for the story to fit at its current settings. */
  writeToFit?: { cut?: number; add?: number };
}

export interface PreviewPage {
  id: string;
  section: string;
  template: string;
  /** Bumped whenever the page's document or anything it loads changes. */
  version: number;
  /** Version of the page whose layout made `stories` and the thumbnail; null before the first layout. */
  laidOutVersion: number | null;
  /** Findings of the typography audit; null when the layout does not report one (yet). */
  audit: number | null;
  /** Copyfit per story part, from the server's layout (empty until laid out). */
  stories: PreviewStoryFit[];
  /** Warnings (and errors) of this page's source files. */
  warnings: number;
  errors: number;
  /** False while the page waits for a jump source's layout or its first render. */
  ready: boolean;
}

export interface PreviewGrid {
  pageWidthPt: number;
  pageHeightPt: number;
  typeArea: { left: number; top: number; width: number; height: number };
  columns: number;
  rows: number;
  columnWidthPt: number;
  gutterPt: number;
  linePitchPt: number;
  bodySizePt: number;
  bleedMm: number;
}

export interface PreviewSnapshot {
  /** Random per server process: a tab that sees it change reloads everything. */
  serverId: string;
  /** Bumped on every change of the snapshot. */
  generation: number;
  edition: { dir: string; name: string; paper: string; date: string } | null;
  grid: PreviewGrid | null;
  pages: PreviewPage[];
  /** Errors that block (part of) the edition: shown in the overlay until fixed. */
  errors: PreviewMessage[];
  /** True while the server is re-reading sources or laying out pages. */
  busy: boolean;
  /** The last re-read: when the change was seen (epoch ms) and how long reading and rendering took. */
  lastRead: { changedAt: number; readMs: number; stages: Record<string, number> } | null;
}
