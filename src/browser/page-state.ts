import type { Copyfit } from './layout-story.js';
import type { LineFix, TypographyFinding } from './typography/index.js';

/**
 * What a page document tells Node and the preview, as `window.__presswork`: the one contract
 * between the page and everything that drives it. Node polls `phase` (see waitForLayout).
 */
export interface PressworkState {
  phase: 'loading' | 'laid-out' | 'paginating' | 'done' | 'failed';
  copyfit: Copyfit[];
  /** Text each jump hands to its continuation, by jump id. */
  handover?: Record<string, string>;
  /** Paragraphs that ended with a lone character, and how each was fixed. */
  lineFixes?: LineFix[];
  /** Typography findings on the finished page (empty when it meets the house rules). */
  audit?: TypographyFinding[];
  error?: string;
  pages?: number;
  /** performance.now() when each step finished, for the build's profile. */
  marks?: { fonts?: number; layout?: number; paginate?: number };
}

/** The window of a page document. */
export type PressworkWindow = Window & { __presswork?: PressworkState };
