/**
 * What the layout desk's server tells the page view (types only, shared with the client).
 * Boxes are in grid units, 1-based, as edition.yaml writes them.
 */

import type { DeskTarget } from './desk-edits.js';

export interface DeskGridBox {
  col: number;
  cols: number;
  row: number;
  rows: number;
}

export interface DeskBox {
  /** Unique on the page. */
  key: string;
  kind: 'story' | 'stack' | 'figure' | 'continue' | 'reserved';
  label: string;
  /** What a move of this box asks the server to change; none for reserved areas. */
  target?: DeskTarget;
  /** The box as the loader resolved it (`rows: auto` reaches down to the next box). */
  box: DeskGridBox;
  auto?: boolean;
  /** Story ids laid out in the box (the page document's `data-story`), for the live copyfit. */
  stories: string[];
  /** Their Markdown files, relative to the edition folder: what the sources' errors name. */
  files?: string[];
  /** The stack's id in the page document (`data-layout` stack.id). */
  stackId?: string;
  /** The page a story continues on (转版), when it does. */
  continues?: string;
  /** A figure's story box: the figure must stay inside it. */
  within?: DeskGridBox;
}

export interface TrayStory {
  file: string;
  title: string;
  /** Characters of body text (no spaces), what the story needs room for. */
  chars: number;
}

export interface DeskState {
  /** sha256 of edition.yaml as read: every write names it. */
  hash: string;
  canUndo: boolean;
  canRedo: boolean;
  columns: number;
  rows: number;
  /** Placements per page id. */
  pages: Record<string, DeskBox[]>;
  tray: TrayStory[];
  /** Why the layout cannot be edited now (edition.yaml does not load). */
  error?: string;
}

export interface DeskReply {
  ok: boolean;
  /** The file's hash now (after the write, or on disk when refused). */
  hash?: string;
  error?: string;
  /** The edition's error messages the change would have made. */
  messages?: string[];
  canUndo?: boolean;
  canRedo?: boolean;
}
