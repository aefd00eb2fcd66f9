import { PX_PER_PT, type BrowserGrid } from './geometry.js';
import { isWholeBlock } from './place-blocks.js';
import { columnProbe } from './probe.js';
import type { StorySource } from './layout-story.js';

/**
 * Body lines a story's text takes in one column at a tracking, read from a hidden probe:
 * one layout of the text, with no frames, splits or balancing, so the fit search can
 * bisect on it and lay out only the passes that count.
 */
export class LineEstimate {
  private readonly probe: HTMLElement;
  private readonly pitchPx: number;
  private readonly known = new Map<number, number>();

  constructor(source: StorySource, grid: BrowserGrid) {
    this.pitchPx = grid.linePitchPt * PX_PER_PT;
    this.probe = columnProbe(source.el, 'line-estimate');
    const body = source.blocks.filter((b) => b.tagName !== 'FIGURE' && !isWholeBlock(b));
    this.probe.append(...body.map((b) => b.cloneNode(true)));
  }

  lines(trackingEm: number): number {
    const known = this.known.get(trackingEm);
    if (known !== undefined) return known;
    this.probe.style.setProperty('--tracking', `${trackingEm}em`);
    const lines = Math.round(this.probe.getBoundingClientRect().height / this.pitchPx);
    this.known.set(trackingEm, lines);
    return lines;
  }

  dispose(): void {
    this.probe.remove();
  }
}
